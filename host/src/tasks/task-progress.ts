import type { TaskProgress } from '@quantix/shared';
import type { Request } from 'express';

const TASK_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Delivers progress to the sockets of one session (the composition root binds it to socket.io). */
export type TaskSink = (sessionId: string, progress: TaskProgress) => void;

/**
 * Progress of a long request (VM creation, pool creation, deletion with disks): the UI sends
 * `X-Quantix-Task: <id>` with the request and receives `task:progress` for that id on its
 * sockets while the request runs; the HTTP answer is the final result.
 */
export function taskProgress(
  sink: TaskSink,
  req: Request,
): (step: number, total: number, message: string) => void {
  const id = req.get('x-quantix-task');
  const p = req.principal;
  if (!id || !TASK_ID.test(id) || p?.kind !== 'user') return () => undefined;
  const sessionId = p.session.id;
  return (step, total, message) => sink(sessionId, { taskId: id, step, total, message });
}
