import type { HubHost } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import { AdoptError } from '../../components/adopt-error.tsx';
import { toRepairRequest } from '../../hosts/add-host-form.ts';
import { useApi } from '../../store/use-store.ts';

/** A host whose certificate changed is paired again with a fresh token (or join string) from it. */
export function RepairDialog(props: { host: HubHost; onDone: () => void }) {
  const api = useApi();
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [problem, setProblem] = useState<string | undefined>();

  async function submit() {
    const req = toRepairRequest(input, props.host.url);
    if (!req) {
      setProblem('Paste a fresh join string (qx1.…) or a registration token (abcdef.0123456789abcdef).');
      return;
    }
    setProblem(undefined);
    setBusy(true);
    setError(null);
    try {
      await api.hosts.repair(props.host.hostId, req);
      props.onDone();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={`Re-pair ${props.host.hostname}`}
      submitText="Re-pair"
      busyText="Re-pairing…"
      busy={busy}
      error={null}
      onSubmit={submit}
      onCancel={props.onDone}
      testId="repair-dialog"
    >
      <p>
        Mint a new token on the host (Registration page or <code>quantix-host token</code>), compare the
        fingerprint it shows with the host's console, then paste the join string or the token here.
      </p>
      <Field id="repair-input" label="Join string or token" error={problem}>
        <textarea
          id="repair-input"
          class="mono"
          rows={3}
          value={input}
          onInput={(e) => setInput(e.currentTarget.value)}
          data-testid="repair-input"
        />
      </Field>
      <AdoptError error={error} />
    </FormDialog>
  );
}
