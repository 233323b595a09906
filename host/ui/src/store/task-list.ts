import type { TaskSummary } from '@quantix/shared';

/** How many tasks the UI keeps: the host's file keeps no more. */
export const TASK_LIST_LIMIT = 500;

/** A `task:changed` folded into the list (newest first): replaced where it is, or put on top. */
export function applyTaskChanged(list: readonly TaskSummary[], task: TaskSummary): readonly TaskSummary[] {
  const i = list.findIndex((t) => t.id === task.id);
  if (i >= 0) {
    const next = [...list];
    next[i] = task;
    return next;
  }
  return [task, ...list].slice(0, TASK_LIST_LIMIT);
}

export type TaskStatusFilter = '' | TaskSummary['status'];

/** The task page's filter: a status and words in the title, target or user. */
export function filterTasks(
  list: readonly TaskSummary[],
  status: TaskStatusFilter,
  search: string,
): readonly TaskSummary[] {
  const q = search.trim().toLowerCase();
  if (!status && !q) return list;
  return list.filter(
    (t) =>
      (!status || t.status === status) &&
      (!q ||
        t.title.toLowerCase().includes(q) ||
        (t.target ?? '').toLowerCase().includes(q) ||
        t.user.toLowerCase().includes(q)),
  );
}

/** "45%" of a running task with steps; null before its first step. */
export function taskPercent(t: Pick<TaskSummary, 'progress'>): number | null {
  const p = t.progress;
  if (!p || p.total <= 0) return null;
  return Math.min(100, Math.round((p.step / p.total) * 100));
}
