import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { useModalDialog } from '@quantix/shared/ui/components/modal-dialog.tsx';
import { newTaskId } from '../../api/tasks-api.ts';
import { TaskProgress } from '../../components/task-progress.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';

const VIRT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A name for the copy that no VM has yet: `<name>-clone`, `<name>-clone2`, … */
export function suggestCloneName(name: string, taken: readonly string[]): string {
  const base = `${name.slice(0, 58)}-clone`;
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}${i}`)) return `${base}${i}`;
}

/**
 * "Clone VM" (a full copy of a shut-off VM) or "New VM from template" (full or linked): a name,
 * the host's progress while the disks are copied, then the new VM's page.
 */
export function CloneVmDialog(props: {
  vm: { readonly uuid: string; readonly name: string; readonly template: boolean };
  /** the mode offered first (templates: linked or full) */
  mode?: 'full' | 'linked';
  onDone: (uuid: string) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const taken = useStore((s) => (s.vms.data ?? []).map((v) => v.name));
  // a VM page opened directly has not read the VM list: read it; the suggestion follows it until
  // the user types a name of their own
  useEffect(() => {
    void api.vms.loadList();
  }, [api]);
  const [typed, setTyped] = useState<string | null>(null);
  const name = typed ?? suggestCloneName(props.vm.name, taken);
  const [mode, setMode] = useState<'full' | 'linked'>(props.vm.template ? (props.mode ?? 'linked') : 'full');
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const busy = taskId !== null;
  const modal = useModalDialog({ busy, onCancel: props.onCancel });
  const nameError =
    name.trim() === ''
      ? 'Give the new VM a name.'
      : !VIRT_NAME.test(name.trim()) || name.includes('..')
        ? 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 64.'
        : taken.includes(name.trim())
          ? `A VM named "${name.trim()}" already exists.`
          : undefined;

  async function confirm() {
    if (nameError) return;
    setTyped(name); // the copy's own arrival in the list must not change the name shown meanwhile
    const id = newTaskId();
    setTaskId(id);
    setError(null);
    try {
      const vm = await api.vms.clone(props.vm.uuid, { name: name.trim(), mode }, id);
      props.onDone(vm.uuid);
    } catch (err) {
      setError(toErrorInfo(err));
      setTaskId(null);
    }
  }

  const title = props.vm.template ? `New VM from template "${props.vm.name}"` : `Clone VM "${props.vm.name}"`;
  return (
    <dialog {...modal} class="dialog" aria-labelledby="clone-title" data-testid="clone-dialog">
      <h2 id="clone-title">{title}</h2>
      <form
        class="dialog-body"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <Field id="clone-name" label="Name of the new VM" error={nameError}>
          <input
            id="clone-name"
            value={name}
            disabled={busy}
            onInput={(e) => setTyped(e.currentTarget.value)}
            data-testid="clone-name"
          />
        </Field>
        {props.vm.template ? (
          <fieldset class="radio-group">
            <legend>Disks</legend>
            <label class="check">
              <input
                type="radio"
                name="clone-mode"
                checked={mode === 'linked'}
                disabled={busy}
                onChange={() => setMode('linked')}
                data-testid="clone-mode-linked"
              />
              Linked clone: overlays on the template’s disks (instant, the template must stay)
            </label>
            <label class="check">
              <input
                type="radio"
                name="clone-mode"
                checked={mode === 'full'}
                disabled={busy}
                onChange={() => setMode('full')}
                data-testid="clone-mode-full"
              />
              Full clone: a copy of every disk
            </label>
          </fieldset>
        ) : (
          <p class="muted">
            Every disk is copied into a new volume; the copy gets a new UUID and new MAC addresses. A
            cloud-init seed is not copied.
          </p>
        )}
        <TaskProgress taskId={taskId} label="Cloning" />
        <ErrorMessage error={error} testId="clone-error" />
        <div class="dialog-actions">
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={props.onCancel}
            data-testid="clone-cancel"
          >
            Cancel
          </button>
          <BusyButton type="submit" busy={busy} busyText="Cloning…" variant="primary" testId="clone-accept">
            {props.vm.template ? 'Create VM' : 'Clone'}
          </BusyButton>
        </div>
      </form>
    </dialog>
  );
}
