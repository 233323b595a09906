import { useMemo, useState } from 'preact/hooks';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { TaskLogDialog } from '../../components/task-log-dialog.tsx';
import { TaskStatusBadge } from '../../components/task-status.tsx';
import { useStore } from '../../store/use-store.ts';
import '../../components/tasks.css';

const SHOWN = 5;

/**
 * The VM's own task history (Proxmox's "Task History" of a guest): the newest tasks whose target
 * is this VM, from the task list the bottom bar keeps current.
 */
export function VmTasks(props: { uuid: string }) {
  const list = useStore((s) => s.taskList.data);
  const [shown, setShown] = useState<string | null>(null);
  const target = `vm:${props.uuid}`;
  const mine = useMemo(() => (list ?? []).filter((t) => t.target === target).slice(0, SHOWN), [list, target]);
  if (mine.length === 0) return null;
  return (
    <div class="vm-tasks" data-testid="vm-tasks">
      <span class="muted">Recent tasks</span>
      {mine.map((t) => (
        <button
          key={t.id}
          type="button"
          class="link-button"
          title={formatDateTime(t.startedAt)}
          onClick={() => setShown(t.id)}
          data-testid="vm-task"
        >
          {t.title} <TaskStatusBadge task={t} />
        </button>
      ))}
      {shown && <TaskLogDialog id={shown} onClose={() => setShown(null)} />}
    </div>
  );
}
