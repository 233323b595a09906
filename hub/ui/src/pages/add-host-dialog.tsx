import type { HostPreview, HubHost } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import { AdoptError } from '../components/adopt-error.tsx';
import { HostPreviewView } from '../components/host-preview.tsx';
import {
  type AddHostForm,
  emptyAddHostForm,
  toAddHostRequest,
  validateAddHost,
} from '../hosts/add-host-form.ts';
import { useApi } from '../store/use-store.ts';

/**
 * Adding a host in two steps: Review asks the hub to reach the host and read who it is (nothing is
 * recorded on either side); Add adopts the host shown. Any failure says where and what to do.
 */
export function AddHostDialog(props: { onCancel: () => void; onAdded: (host: HubHost) => void }) {
  const api = useApi();
  const [form, setForm] = useState<AddHostForm>(emptyAddHostForm);
  const [touched, setTouched] = useState(false);
  const [preview, setPreview] = useState<HostPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = touched ? validateAddHost(form) : {};
  const edit = (change: Partial<AddHostForm>) => {
    setForm({ ...form, ...change });
    // what was reviewed is no longer what would be added
    setPreview(null);
    setError(null);
  };

  async function submit() {
    setTouched(true);
    if (Object.keys(validateAddHost(form)).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const req = toAddHostRequest(form);
      if (!preview) setPreview(await api.hosts.discover(req));
      else props.onAdded(await api.hosts.add(req));
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title="Add a host"
      submitText={preview ? 'Add host' : 'Review'}
      busyText={preview ? 'Adding…' : 'Contacting the host…'}
      busy={busy}
      error={null}
      onSubmit={submit}
      onCancel={props.onCancel}
      testId="add-host-dialog"
      submitTestId={preview ? 'add-host-submit' : 'add-host-review'}
      wide
    >
      <div class="field">
        <span class="label">How</span>
        <label class="check">
          <input
            type="radio"
            name="add-mode"
            checked={form.mode === 'join'}
            onChange={() => edit({ mode: 'join' })}
            data-testid="add-mode-join"
          />
          Paste the host's join string
        </label>
        <label class="check">
          <input
            type="radio"
            name="add-mode"
            checked={form.mode === 'url'}
            onChange={() => edit({ mode: 'url' })}
            data-testid="add-mode-url"
          />
          Enter its address and a registration token
        </label>
      </div>
      {form.mode === 'join' ? (
        <Field
          id="add-join"
          label="Join string"
          error={errors.join}
          hint={
            <>
              On the host: Registration page → Generate token, or run <code>quantix-host token</code>.
            </>
          }
        >
          <textarea
            id="add-join"
            class="mono"
            rows={3}
            value={form.join}
            placeholder="qx1.…"
            onInput={(e) => edit({ join: e.currentTarget.value })}
            data-testid="add-join"
          />
        </Field>
      ) : (
        <div class="form-grid">
          <Field id="add-url" label="Host URL" error={errors.url}>
            <input
              id="add-url"
              class="mono"
              value={form.url}
              placeholder="https://kvm1.example.net:8443"
              onInput={(e) => edit({ url: e.currentTarget.value })}
              data-testid="add-url"
            />
          </Field>
          <Field id="add-token" label="Registration token" error={errors.token}>
            <input
              id="add-token"
              class="mono"
              value={form.token}
              autoComplete="off"
              placeholder="abcdef.0123456789abcdef"
              onInput={(e) => edit({ token: e.currentTarget.value })}
              data-testid="add-token"
            />
          </Field>
        </div>
      )}
      <AdoptError error={error} />
      {preview && <HostPreviewView preview={preview} />}
    </FormDialog>
  );
}
