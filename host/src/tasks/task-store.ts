import { randomBytes } from 'node:crypto';
import {
  type ErrorCode,
  type Task,
  type TaskQuery,
  type TaskStep,
  type TaskSummary,
  TasksState,
} from '@quantix/shared';
import { type DiskWatch, DurableJsonAdapter } from '@quantix/shared/server';

/** The file keeps the newest tasks only; the oldest finished ones go first. */
export const MAX_TASKS = 500;
/** A task's log keeps its first lines and its last ones, with a count of those left out between. */
export const LOG_HEAD = 10;
export const MAX_LOG_LINES = 50;
export const MAX_MESSAGE = 300;
/** While tasks run, their progress reaches the file at most this often (start and end at once). */
/** while only progress changes (a start or an end is written at once) */
export const FLUSH_MS = 15_000;

export type TaskChange = 'started' | 'progress' | 'ended';

export interface NewTask {
  /** the caller's id (`X-Quantix-Task`); a fresh one when missing or already used */
  id?: string;
  title: string;
  target: string | null;
  user: string;
}

export type TaskOutcome = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface TaskStore {
  /** Records a running task and returns its id. */
  begin(t: NewTask): string;
  progress(id: string, step: TaskStep): void;
  /** Names the task's target once known (a created VM's uuid comes with the result). */
  setTarget(id: string, target: string): void;
  finish(id: string, outcome: TaskOutcome): void;
  get(id: string): Task | undefined;
  /** newest first */
  list(q: TaskQuery): TaskSummary[];
  onChange(fn: (task: TaskSummary, change: TaskChange) => void): () => void;
  /** Writes what changed since the last write, now; resolves once it is on disk. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

const INTERRUPTED = 'the host stopped while this task ran';
const OMITTED = /^… (\d+) lines? left out$/;

/** a progress message without its percentages: "copying 45%" and "copying 46%" are one log line */
const shape = (message: string) => message.replace(/\d+(?:[.,]\d+)?\s*%/g, '%');
const clip = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);
const newId = () => randomBytes(16).toString('base64url');

function summaryOf(t: Task): TaskSummary {
  const { log: _log, ...summary } = t;
  return summary;
}

/** Appends a line; past the cap, the lines after the head are dropped and counted. */
export function appendLog(log: Task['log'], t: string, message: string): void {
  log.push({ t, message: clip(message) });
  if (log.length <= MAX_LOG_LINES) return;
  const mark = log[LOG_HEAD];
  const m = mark ? OMITTED.exec(mark.message) : null;
  if (m && mark) {
    log.splice(LOG_HEAD + 1, 1);
    mark.message = `… ${Number(m[1]) + 1} lines left out`;
  } else {
    log.splice(LOG_HEAD, 2, { t: mark?.t ?? t, message: '… 2 lines left out' });
  }
}

/**
 * The task list in `file` (tasks.json), one writer: this store. Every change is in memory at once
 * and pushed to listeners; the file is rewritten (atomically and durably, through the state kit's
 * adapter) when a task starts or ends, and at most every `flushMs` while progress comes in — not
 * per step. Tasks found running at open were cut short by a host stop: they become `interrupted`.
 */
export async function openTaskStore(deps: {
  file: string;
  now?: () => Date;
  flushMs?: number;
  disk?: DiskWatch;
  onWriteError?: (err: unknown) => void;
  onRecovered?: (info: { file: string; reason: string }) => void;
}): Promise<TaskStore> {
  const now = deps.now ?? (() => new Date());
  const flushMs = deps.flushMs ?? FLUSH_MS;
  const adapter = new DurableJsonAdapter<TasksState>({
    file: deps.file,
    schema: TasksState,
    ...(deps.onRecovered ? { onRecovered: deps.onRecovered } : {}),
  });
  const data: TasksState = (await adapter.read()) ?? { schema: 1, tasks: [] };
  const byId = new Map(data.tasks.map((t) => [t.id, t]));
  const listeners = new Set<(task: TaskSummary, change: TaskChange) => void>();
  let timer: NodeJS.Timeout | null = null;
  let dirty = false;
  let closed = false;

  /** the newest write; the adapter chains them, so awaiting it awaits every earlier one */
  let inflight: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return inflight;
    dirty = false;
    inflight = adapter.write(data).then(
      () => deps.disk?.writeSucceeded(),
      (err: unknown) => {
        // a full or read-only disk is reported once, by the data-disk watch; not every retry
        if (!deps.disk?.writeFailed(err)) deps.onWriteError?.(err);
        // still in memory: the next change or the retry writes it
        dirty = true;
        later();
      },
    );
    return inflight;
  };
  const later = () => {
    if (timer || closed) return;
    timer = setTimeout(() => void write(), flushMs);
    timer.unref();
  };
  const changed = (t: Task, change: TaskChange) => {
    dirty = true;
    if (change === 'progress') later();
    else void write();
    const s = summaryOf(t);
    for (const fn of listeners) fn(s, change);
  };

  const startedAt = now().toISOString();
  let interrupted = 0;
  for (const t of data.tasks) {
    if (t.status !== 'running') continue;
    t.status = 'interrupted';
    appendLog(t.log, startedAt, `${INTERRUPTED} (found at start-up)`);
    interrupted++;
  }
  if (interrupted > 0) {
    dirty = true;
    await write();
  }

  const running = (id: string) => {
    const t = byId.get(id);
    return t?.status === 'running' ? t : undefined;
  };

  return {
    begin(n) {
      const id = n.id && !byId.has(n.id) ? n.id : newId();
      const t: Task = {
        id,
        title: clip(n.title),
        target: n.target,
        user: n.user,
        startedAt: now().toISOString(),
        endedAt: null,
        status: 'running',
        progress: null,
        error: null,
        log: [],
      };
      data.tasks.push(t);
      byId.set(id, t);
      // bounded: the oldest tasks that are not running go first
      for (let i = 0; data.tasks.length > MAX_TASKS && i < data.tasks.length; ) {
        const old = data.tasks[i];
        if (old && old.status !== 'running') {
          data.tasks.splice(i, 1);
          byId.delete(old.id);
        } else i++;
      }
      changed(t, 'started');
      return id;
    },
    progress(id, step) {
      const t = running(id);
      if (!t) return;
      const message = clip(step.message);
      // a new line only for a new message, not for a new percentage (the summary has the newest)
      if (!t.progress || shape(t.progress.message) !== shape(message))
        appendLog(t.log, now().toISOString(), message);
      t.progress = { step: step.step, total: step.total, message };
      changed(t, 'progress');
    },
    setTarget(id, target) {
      const t = byId.get(id);
      if (!t || t.target === target) return;
      t.target = target;
      changed(t, t.status === 'running' ? 'progress' : 'ended');
    },
    finish(id, outcome) {
      const t = running(id);
      if (!t) return;
      const at = now().toISOString();
      t.endedAt = at;
      if (outcome.ok) {
        t.status = 'ok';
      } else {
        t.status = 'failed';
        t.error = { code: outcome.code, message: clip(outcome.message) };
        appendLog(t.log, at, `failed: ${outcome.message}`);
      }
      changed(t, 'ended');
    },
    get(id) {
      const t = byId.get(id);
      return t ? structuredClone(t) : undefined;
    },
    list(q) {
      const out: TaskSummary[] = [];
      for (let i = data.tasks.length - 1; i >= 0 && out.length < q.limit; i--) {
        const t = data.tasks[i];
        if (!t || (q.status && t.status !== q.status) || (q.target && t.target !== q.target)) continue;
        out.push(summaryOf(t));
      }
      return out;
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    flush: write,
    async close() {
      closed = true;
      await write();
    },
  };
}
