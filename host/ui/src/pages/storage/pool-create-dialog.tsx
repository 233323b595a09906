import type { StoragePoolType } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { newTaskId } from '../../api/tasks-api.ts';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import { TaskProgress } from '../../components/task-progress.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import {
  emptyPoolForm,
  type PoolForm,
  toPoolRequest,
  validatePoolForm,
} from '@quantix/shared/ui/storage/pool-form.ts';

const TYPE_HINT: Record<StoragePoolType, string> = {
  dir: 'A directory on this host; each volume is a file in it.',
  netfs: 'An NFS export, mounted on this host; each volume is a file in it.',
  logical: 'An LVM volume group; each volume is a logical volume.',
};

export function PoolCreateDialog(props: { onClose: () => void }) {
  const api = useApi();
  const [form, setForm] = useState<PoolForm>(emptyPoolForm);
  const [touched, setTouched] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = touched ? validatePoolForm(form) : {};
  const set = (change: Partial<PoolForm>) => setForm((f) => ({ ...f, ...change }));
  const input = (key: keyof PoolForm, placeholder?: string) => ({
    id: `pool-${key}`,
    value: form[key],
    placeholder,
    autoComplete: 'off',
    'aria-invalid': errors[key] ? true : undefined,
    onInput: (e: Event) => set({ [key]: (e.currentTarget as HTMLInputElement).value }),
    'data-testid': `pool-${key}`,
  });

  async function submit() {
    setTouched(true);
    if (Object.keys(validatePoolForm(form)).length > 0) return;
    const id = newTaskId();
    setTaskId(id);
    setError(null);
    try {
      await api.storage.createPool(toPoolRequest(form), id);
      props.onClose();
    } catch (err) {
      setError(toErrorInfo(err));
      setTaskId(null);
    }
  }

  return (
    <FormDialog
      title="Create a storage pool"
      submitText="Create pool"
      busyText="Creating…"
      busy={taskId !== null}
      error={error}
      onSubmit={() => void submit()}
      onCancel={props.onClose}
      testId="pool-create-dialog"
      submitTestId="pool-create-submit"
    >
      <Field id="pool-type" label="Type" hint={TYPE_HINT[form.type]}>
        <select
          id="pool-type"
          value={form.type}
          onChange={(e) => set({ type: e.currentTarget.value as StoragePoolType })}
          data-testid="pool-type"
        >
          <option value="dir">Directory</option>
          <option value="netfs">NFS share</option>
          <option value="logical">LVM volume group</option>
        </select>
      </Field>
      <Field id="pool-name" label="Name" error={errors.name}>
        <input {...input('name', 'e.g. images')} />
      </Field>
      {form.type === 'netfs' && (
        <>
          <Field id="pool-host" label="NFS server" error={errors.host}>
            <input {...input('host', 'nas.example.lan or 10.0.0.5')} />
          </Field>
          <Field id="pool-exportPath" label="Export path" error={errors.exportPath}>
            <input {...input('exportPath', '/export/vms')} />
          </Field>
        </>
      )}
      {(form.type === 'dir' || form.type === 'netfs') && (
        <Field
          id="pool-path"
          label={form.type === 'dir' ? 'Directory' : 'Mount point on this host'}
          error={errors.path}
          hint={form.type === 'dir' ? 'Created if it does not exist.' : undefined}
        >
          <input {...input('path', form.type === 'dir' ? '/var/lib/quantix/images' : '/mnt/nfs-vms')} />
        </Field>
      )}
      {form.type === 'logical' && (
        <>
          <Field id="pool-vgName" label="Volume group" error={errors.vgName}>
            <input {...input('vgName', 'vg_vms')} />
          </Field>
          <Field
            id="pool-devices"
            label="Build it from these devices (optional)"
            error={errors.devices}
            hint="Leave empty to use an existing volume group. Listed devices are wiped."
          >
            <input {...input('devices', '/dev/sdb /dev/sdc')} />
          </Field>
        </>
      )}
      <TaskProgress taskId={taskId} label="Creating the pool" />
    </FormDialog>
  );
}
