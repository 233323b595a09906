import { z } from 'zod';
import { IsoTime } from './common.ts';
import { ErrorCode } from './errors.ts';

/**
 * Tasks: the host's record of its long operations (VM create/delete, pool build, clone, import,
 * upload…), kept in a bounded file that survives restarts. A task that was running when the host
 * stopped is `interrupted` after the next start. Live progress of one's own request is still
 * `task:progress` (TaskProgress in socket.ts); `task:changed` tells every logged-in user.
 */
export const TaskStatus = z.enum(['running', 'ok', 'failed', 'interrupted']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Task ids: what `X-Quantix-Task` may carry, or one the host makes. */
export const TaskId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a task id: 8–64 of [A-Za-z0-9_-]');

export const TaskLogLine = z.object({ t: IsoTime, message: z.string() });
export type TaskLogLine = z.infer<typeof TaskLogLine>;

export const TaskStep = z.object({
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
});
export type TaskStep = z.infer<typeof TaskStep>;

export const TaskSummary = z.object({
  id: TaskId,
  /** what: "Create VM \"web1\"", "Delete VM \"web1\" and its disks", … */
  title: z.string(),
  /** what it acts on: `vm:<uuid>`, `pool:<name>`, … (null when not known) */
  target: z.string().nullable(),
  /** who: `user:<name>@<address>` or `hub:<name>@<address>`, as in the event log */
  user: z.string(),
  startedAt: IsoTime,
  /** null while running, and for a task interrupted by a host stop (its end is unknown) */
  endedAt: IsoTime.nullable(),
  status: TaskStatus,
  /** the last progress step reported */
  progress: TaskStep.nullable(),
  /** why it failed */
  error: z.object({ code: ErrorCode, message: z.string() }).nullable(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

/** A task with its log: its progress messages and its error, oldest first (capped, see PROTOCOL.md). */
export const Task = TaskSummary.extend({ log: z.array(TaskLogLine) });
export type Task = z.infer<typeof Task>;

/** tasks.json in the host's data directory: the newest tasks, oldest first. */
export const TasksState = z.object({ schema: z.literal(1), tasks: z.array(Task) });
export type TasksState = z.infer<typeof TasksState>;

/** `GET /api/v1/tasks?status=&target=&limit=` */
export const TaskQuery = z.object({
  status: TaskStatus.optional(),
  target: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type TaskQuery = z.infer<typeof TaskQuery>;

/** newest first */
export const TaskList = z.object({ tasks: z.array(TaskSummary) });
export type TaskList = z.infer<typeof TaskList>;

/** `task:changed`: a task started, progressed (at most about once a second) or ended. */
export const TaskChanged = z.object({ task: TaskSummary });
export type TaskChanged = z.infer<typeof TaskChanged>;
