import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { newTaskId } from '../../api/tasks-api.ts';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { TaskProgress } from '../../components/task-progress.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import { deleteVmNote } from '@quantix/shared/ui/vm/vm-actions.ts';

/** "Delete VM?" with the choice to delete its disk volumes too; shows the host's progress. */
export function DeleteVmDialog(props: {
  /** `disks`: how many disk volumes it has */
  vm: { readonly uuid: string; readonly name: string; readonly disks: number };
  onDone: () => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const [deleteVolumes, setDeleteVolumes] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function confirm() {
    const id = newTaskId();
    setTaskId(id);
    setError(null);
    try {
      await api.vms.remove(props.vm.uuid, deleteVolumes, id);
      props.onDone();
    } catch (err) {
      setError(toErrorInfo(err));
      setTaskId(null);
    }
  }

  return (
    <ConfirmDialog
      title={`Delete VM "${props.vm.name}"?`}
      confirmText="Delete VM"
      busyText="Deleting…"
      busy={taskId !== null}
      onConfirm={confirm}
      onCancel={props.onCancel}
    >
      <p>{deleteVmNote(props.vm.disks)}</p>
      {props.vm.disks > 0 && (
        <label class="check">
          <input
            type="checkbox"
            checked={deleteVolumes}
            disabled={taskId !== null}
            onChange={(e) => setDeleteVolumes(e.currentTarget.checked)}
            data-testid="delete-volumes"
          />
          {props.vm.disks === 1 ? 'Also delete its disk' : 'Also delete its disks'}
        </label>
      )}
      <TaskProgress taskId={taskId} label="Deleting" />
      <ErrorMessage error={error} testId="delete-vm-error" />
    </ConfirmDialog>
  );
}
