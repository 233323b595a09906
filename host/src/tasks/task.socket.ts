import type { TaskSummary } from '@quantix/shared';
import type { HostIo } from '../socket/host-io.ts';
import type { TaskStore } from './task-store.ts';

/** A running task's progress reaches every socket at most this often; start and end at once. */
export const PROGRESS_PUSH_MS = 1000;

/** `task:changed` to every socket (every socket is a logged-in user's). */
export function attachTaskSocket(deps: {
  io: Pick<HostIo, 'emit'>;
  tasks: Pick<TaskStore, 'onChange'>;
  pushMs?: number;
}): () => void {
  const pushMs = deps.pushMs ?? PROGRESS_PUSH_MS;
  const last = new Map<string, number>();
  const pending = new Map<string, { task: TaskSummary; timer: NodeJS.Timeout }>();
  const push = (task: TaskSummary) => {
    last.set(task.id, Date.now());
    deps.io.emit('task:changed', { task });
  };
  const off = deps.tasks.onChange((task, change) => {
    const waiting = pending.get(task.id);
    if (change !== 'progress') {
      if (waiting) clearTimeout(waiting.timer);
      pending.delete(task.id);
      push(task);
      if (change === 'ended') last.delete(task.id);
      return;
    }
    if (waiting) {
      waiting.task = task; // the newest step rides on the timer already set
      return;
    }
    const wait = (last.get(task.id) ?? 0) + pushMs - Date.now();
    if (wait <= 0) return push(task);
    const timer = setTimeout(() => {
      const p = pending.get(task.id);
      pending.delete(task.id);
      if (p) push(p.task);
    }, wait);
    timer.unref();
    pending.set(task.id, { task, timer });
  });
  return () => {
    off();
    for (const p of pending.values()) clearTimeout(p.timer);
    pending.clear();
  };
}
