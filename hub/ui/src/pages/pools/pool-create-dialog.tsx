import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import {
  emptySharedPoolForm,
  type SharedPoolForm,
  toDefinition,
  validateSharedPool,
} from '../../pools/shared-pool-form.ts';
import { useApi } from '../../store/use-store.ts';

export function PoolCreateDialog(props: { onCancel: () => void; onCreated: (name: string) => void }) {
  const api = useApi();
  const [form, setForm] = useState<SharedPoolForm>(emptySharedPoolForm);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = touched ? validateSharedPool(form) : {};
  const input = (key: keyof SharedPoolForm, placeholder: string) => (
    <input
      id={`pool-${key}`}
      class="mono"
      value={form[key]}
      placeholder={placeholder}
      onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      data-testid={`pool-${key}`}
    />
  );

  async function submit() {
    setTouched(true);
    if (Object.keys(validateSharedPool(form)).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const def = toDefinition(form);
      await api.pools.create(def);
      props.onCreated(def.name);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title="Create a shared pool"
      submitText="Create"
      busyText="Creating…"
      busy={busy}
      error={error}
      onSubmit={submit}
      onCancel={props.onCancel}
      testId="pool-create-dialog"
      submitTestId="pool-create-submit"
    >
      <p class="hint">Nothing changes on any host until you assign the pool to it (tab Hosts).</p>
      <Field id="pool-type" label="Storage">
        <select
          id="pool-type"
          value={form.type}
          onChange={(e) => setForm({ ...form, type: e.currentTarget.value as SharedPoolForm['type'] })}
          data-testid="pool-type"
        >
          <option value="netfs">NFS export (each host mounts it)</option>
          <option value="dir">Directory on shared storage (already mounted on each host)</option>
        </select>
      </Field>
      <Field id="pool-name" label="Name" error={errors.name}>
        {input('name', 'iso-library')}
      </Field>
      {form.type === 'netfs' && (
        <div class="form-grid">
          <Field id="pool-host" label="NFS server" error={errors.host}>
            {input('host', 'nas.example.net')}
          </Field>
          <Field id="pool-exportPath" label="Export path" error={errors.exportPath}>
            {input('exportPath', '/export/iso')}
          </Field>
        </div>
      )}
      <Field
        id="pool-path"
        label={form.type === 'netfs' ? 'Mount path on each host' : 'Directory on each host'}
        error={errors.path}
      >
        {input('path', form.type === 'netfs' ? '/mnt/iso-library' : '/srv/shared/iso')}
      </Field>
      {form.type === 'netfs' && (
        <Field id="pool-options" label="Mount options" error={errors.options} hint="Optional, e.g. vers=4.2">
          {input('options', 'vers=4.2')}
        </Field>
      )}
    </FormDialog>
  );
}
