import { ErrorCode, type TaskProgress } from '@quantix/shared';
import { actor } from '@quantix/shared/server';
import type { Request, Response } from 'express';
import type { TaskOutcome, TaskStore } from './task-store.ts';

const TASK_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Delivers progress to the sockets of one session (the composition root binds it to socket.io). */
export type SessionSink = (sessionId: string, progress: TaskProgress) => void;

/** Where long requests go: the persistent task list, and the live progress of the caller's session. */
export interface TaskTracker {
  store: Pick<TaskStore, 'begin' | 'progress' | 'setTarget' | 'finish'>;
  toSession: SessionSink;
}

/**
 * What routes receive as `deps.tasks`. A bare SessionSink (the form before the task list) still
 * works: progress reaches the session, nothing is recorded.
 */
export type TaskSink = TaskTracker | SessionSink;

/** What the task is: a title ("Create VM \"web1\"") and what it acts on (`vm:<uuid>`, `pool:<name>`). */
export type TaskLabel = string | { title?: string; target?: string | null };

type Progress = (step: number, total: number, message: string) => void;

/**
 * Makes the request a task and returns its Progress callback for the service. Every call records a
 * task (who, what, target, start) that ends with the response: a 2xx is `ok`, an error answer is
 * `failed` with its code and message. The UI may send `X-Quantix-Task: <id>` to name the task and to
 * receive `task:progress` for it on its session's sockets while the request runs.
 * Calling it again for the same request returns the same callback.
 */
export function taskProgress(sink: TaskSink, req: Request, label?: TaskLabel): Progress {
  const res = req.res;
  const existing = res?.locals.quantixTask as Progress | undefined;
  if (existing) return existing;
  const task = begin(sink, req, label);
  if (!task.finish || !res) return task.progress;
  const { finish, setTarget } = task;
  // read now: the router changes req.baseUrl as the request moves on
  const base = req.baseUrl;
  onAnswer(res, (status, body) => {
    const created = task.targetKnown ? null : targetOfResult(base, body);
    if (created) setTarget(created);
    if (status < 400) return finish({ ok: true });
    const err = errorOf(body);
    finish({ ok: false, code: err?.code ?? 'INTERNAL', message: err?.message ?? `HTTP ${status}` });
  });
  res.locals.quantixTask = task.progress;
  return task.progress;
}

/** A task that its caller ends, for an operation that goes on after the answer (a `202`). */
export interface DetachedTask {
  /** null with a bare SessionSink: nothing is recorded */
  id: string | null;
  progress: Progress;
  /** ends it: `ok`, or `failed` with the error's code (an AppError's) and message */
  end(err?: unknown): void;
}

/**
 * Like taskProgress, but the task does not end with the response: `end()` ends it. For a request
 * answered at once (`202`) while its work goes on. Call `end` on every path, or the task stays
 * `running` until the next restart makes it `interrupted`.
 */
export function startTask(sink: TaskSink, req: Request, label?: TaskLabel): DetachedTask {
  const task = begin(sink, req, label);
  let ended = false;
  return {
    id: task.id,
    progress: task.progress,
    end(err) {
      if (ended || !task.finish) return;
      ended = true;
      if (err === undefined) return task.finish({ ok: true });
      const code = ErrorCode.safeParse((err as { code?: unknown } | null)?.code);
      task.finish({
        ok: false,
        code: code.success ? code.data : 'INTERNAL',
        message: err instanceof Error ? err.message : String(err),
      });
    },
  };
}

interface Begun {
  id: string | null;
  progress: Progress;
  /** null when nothing is recorded (a bare SessionSink) */
  finish: ((o: TaskOutcome) => void) | null;
  setTarget: (target: string) => void;
  /** the target was given or follows from the path */
  targetKnown: boolean;
}

function begin(sink: TaskSink, req: Request, label?: TaskLabel): Begun {
  const header = req.get('x-quantix-task');
  const headerId = header && TASK_ID.test(header) ? header : undefined;
  const p = req.principal;
  const sessionId = p?.kind === 'user' ? p.session.id : undefined;
  const toSession = typeof sink === 'function' ? sink : sink.toSession;
  // live progress carries the task's id: the caller's, unless the store had to give a fresh one
  const liveAs =
    (taskId: string | undefined): Progress =>
    (step, total, message) => {
      if (taskId && sessionId) toSession(sessionId, { taskId, step, total, message });
    };
  if (typeof sink === 'function')
    return {
      id: null,
      progress: liveAs(headerId),
      finish: null,
      setTarget: () => undefined,
      targetKnown: true,
    };
  const { store } = sink;
  const opts = typeof label === 'string' ? { title: label } : (label ?? {});
  const target = opts.target !== undefined ? opts.target : defaultTarget(req);
  const id = store.begin({
    ...(headerId ? { id: headerId } : {}),
    title: opts.title ?? defaultTitle(req),
    target,
    user: actor(req),
  });
  const live = liveAs(headerId ? id : undefined);
  // the id the task got, so a caller whose id was taken can follow it (and find it in the list)
  if (headerId && req.res && !req.res.headersSent) req.res.setHeader('X-Quantix-Task', id);
  return {
    id,
    progress: (step, total, message) => {
      store.progress(id, { step, total, message });
      live(step, total, message);
    },
    finish: (o) => store.finish(id, o),
    setTarget: (t) => store.setTarget(id, t),
    targetKnown: target !== null || opts.target !== undefined,
  };
}

/** "POST /vms/:uuid/clone" from the route the request matched. */
function defaultTitle(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  const base = req.baseUrl.replace(/^\/api\/v1/, '');
  return `${req.method} ${base}${typeof route === 'string' ? route : req.path}`;
}

function defaultTarget(req: Request): string | null {
  const { uuid, pool } = req.params as Record<string, string | undefined>;
  if (uuid && req.baseUrl.endsWith('/vms')) return `vm:${uuid}`;
  if (pool) return `pool:${pool}`;
  return null;
}

/** A created VM or pool is the target of its creation: its uuid or name comes with the answer. */
function targetOfResult(base: string, body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { uuid?: unknown; name?: unknown };
  if (base.endsWith('/vms') && typeof b.uuid === 'string') return `vm:${b.uuid}`;
  if (base.endsWith('/storage') && typeof b.name === 'string') return `pool:${b.name}`;
  return null;
}

function errorOf(body: unknown): { code: ErrorCode; message: string } | null {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!e || typeof e.message !== 'string') return null;
  const code = ErrorCode.safeParse(e.code);
  return { code: code.success ? code.data : 'INTERNAL', message: e.message };
}

/**
 * Calls `done` once when the handler answers, with the status and the JSON body if any. It hooks
 * res.end, which json/send/sendStatus all reach, looked up when they run (a route's
 * `res.status(201).json(await op(taskProgress(…)))` has taken res.json before we are called). Not
 * 'finish': after the client went away (a closed tab) the operation still runs to its end, and
 * 'finish' would never come.
 */
function onAnswer(res: Response, done: (status: number, body: unknown) => void): void {
  let called = false;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (!called) {
      called = true;
      done(res.statusCode, jsonOf(args[0]));
    }
    return end(...args);
  }) as Response['end'];
}

/** Our answers are small JSON documents; anything else (a stream, a big page) is not read. */
function jsonOf(chunk: unknown): unknown {
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
  if (text === null || text.length > 65_536 || !text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
