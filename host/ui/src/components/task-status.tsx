import type { TaskSummary } from '@quantix/shared';
import { formatDuration } from '@quantix/shared/ui/format/format-time.ts';
import { taskPercent } from '../store/task-list.ts';

const BADGE: Record<TaskSummary['status'], string> = {
  running: 'badge-info',
  ok: 'badge-ok',
  failed: 'badge-error',
  interrupted: 'badge-warning',
};
const LABEL: Record<TaskSummary['status'], string> = {
  running: 'Running',
  ok: 'OK',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

/** A task's status; a running one with steps says how far it is. */
export function TaskStatusBadge(props: { task: Pick<TaskSummary, 'status' | 'progress'> }) {
  const { task } = props;
  const pct = task.status === 'running' ? taskPercent(task) : null;
  return (
    <span class={`badge ${BADGE[task.status]}`} data-testid="task-status" data-status={task.status}>
      {LABEL[task.status]}
      {pct !== null ? ` ${pct}%` : ''}
    </span>
  );
}

/** How long it took; "—" for an interrupted task, whose end is unknown. */
export function taskDuration(t: Pick<TaskSummary, 'startedAt' | 'endedAt' | 'status'>, now: number): string {
  const start = new Date(t.startedAt).getTime();
  if (t.endedAt) return formatDuration((new Date(t.endedAt).getTime() - start) / 1000);
  return t.status === 'running' ? formatDuration((now - start) / 1000) : '—';
}

/** `vm:<uuid>` and `pool:<name>` as a reader says them. */
export function targetLabel(target: string | null): string {
  if (!target) return '—';
  const [kind, ...rest] = target.split(':');
  const name = rest.join(':');
  if (kind === 'vm') return `VM ${name.slice(0, 8)}`;
  if (kind === 'pool') return `pool ${name}`;
  return target;
}
