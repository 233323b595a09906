import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  write,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface LogSinkOptions {
  /** a file (appended to, mode 0600, rotated) or a descriptor the sink does not own (stderr) */
  target: { file: string } | { fd: number };
  /** bytes held while a write is in flight; lines beyond are dropped (and counted) */
  maxQueuedBytes?: number;
  /** while writes fail, a new line tries again at most this often; the others are dropped */
  retryMs?: number;
  /** the file is renamed to `<file>.1` (replacing it) once it grows past this */
  maxFileBytes?: number;
  /** the line written first once writing works again after lines were dropped */
  dropNotice?: (dropped: number, reason: string) => string;
  /** writing just started to fail (ENOSPC, EDQUOT, EROFS, EIO, ...) */
  onFault?: (err: NodeJS.ErrnoException) => void;
  now?: () => number;
}

export interface LogSink {
  /** never throws and never blocks: a line that cannot be written is dropped and counted */
  write(line: string): boolean;
  /** calls back once what was written so far is written or dropped */
  flush(cb: (err?: Error) => void): void;
  /** one synchronous attempt (for process exit); never retries, never throws */
  flushSync(): void;
  close(): void;
  stats(): { dropped: number; fault: string | null };
}

const EAGAIN_RETRIES = 20;
const EAGAIN_DELAY_MS = 50;

/**
 * A pino destination that cannot take the process down or hang it. pino's own (sonic-boom) emits an
 * unhandled 'error' on ENOSPC and retries a failed exit-time flush forever, blocking the main thread.
 * This one writes asynchronously in order, and when a write fails it drops what it holds, counts the
 * lines it drops, tries again with a later line, and once that works writes a notice saying how many
 * lines were lost. Memory stays bounded by `maxQueuedBytes` whatever the disk does.
 */
export function createLogSink(opts: LogSinkOptions): LogSink {
  const maxQueued = opts.maxQueuedBytes ?? 1024 * 1024;
  const retryMs = opts.retryMs ?? 1000;
  const maxFileBytes = opts.maxFileBytes ?? 16 * 1024 * 1024;
  const now = opts.now ?? Date.now;
  const file = 'file' in opts.target ? opts.target.file : null;

  let fd = 'fd' in opts.target ? opts.target.fd : -1;
  let size = 0;
  let queue: string[] = [];
  let queued = 0;
  let writing = false;
  let fault: NodeJS.ErrnoException | null = null;
  let lastAttempt = 0;
  let dropped = 0;
  /** a failed write left a partial line: start the next write on a new line */
  let brokenLine = false;
  let closed = false;
  let waiters: Array<(err?: Error) => void> = [];

  const settle = (err?: Error) => {
    const list = waiters;
    waiters = [];
    for (const cb of list) cb(err);
  };
  const failed = (err: NodeJS.ErrnoException, lines: number) => {
    writing = false;
    if (closed) closeFd();
    dropped += lines + queue.length;
    queue = [];
    queued = 0;
    const first = fault === null;
    fault = err;
    if (first) opts.onFault?.(err);
    settle(err);
  };

  const openFile = (path: string) => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    const next = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    fchmodSync(next, 0o600); // a file made by an earlier version (or another umask) keeps its mode otherwise
    size = fstatSync(next).size;
    fd = next;
  };
  const rotate = (path: string) => {
    closeSync(fd);
    fd = -1;
    renameSync(path, `${path}.1`);
    openFile(path);
  };

  const closeFd = () => {
    if (file && fd >= 0) closeSync(fd);
    fd = -1;
  };

  const kick = () => {
    if (writing || closed || queue.length === 0) return;
    const lines = queue.length;
    try {
      if (file && fd < 0) openFile(file);
      else if (file && size >= maxFileBytes) rotate(file);
    } catch (err) {
      failed(err as NodeJS.ErrnoException, lines);
      return;
    }
    let head = brokenLine ? '\n' : '';
    const noticed = opts.dropNotice ? dropped : 0;
    if (noticed > 0 && opts.dropNotice) head += opts.dropNotice(noticed, fault?.code ?? 'queue full');
    const buf = Buffer.from(head + queue.join(''));
    queue = [];
    queued = 0;
    writing = true;
    lastAttempt = now();
    writeFrom(buf, 0, { lines, noticed }, 0);
  };

  /** `lines` in `buf` (dropped if it fails), after a notice of `noticed` dropped ones */
  const writeFrom = (buf: Buffer, off: number, batch: { lines: number; noticed: number }, eagain: number) => {
    write(fd, buf, off, buf.length - off, null, (err, n) => {
      if (err) {
        // a non-blocking pipe (stderr) that is full: give its reader a moment, a few times
        if (err.code === 'EAGAIN' && eagain < EAGAIN_RETRIES) {
          setTimeout(() => writeFrom(buf, off, batch, eagain + 1), EAGAIN_DELAY_MS).unref();
          return;
        }
        if (off > 0) brokenLine = true;
        failed(err, batch.lines);
        return;
      }
      size += n;
      if (off + n < buf.length) return writeFrom(buf, off + n, batch, 0);
      writing = false;
      fault = null;
      dropped -= batch.noticed; // lines dropped while this write was in flight are still to be told
      brokenLine = false;
      if (closed) closeFd();
      else if (queue.length) kick();
      else settle();
    });
  };

  return {
    write(line) {
      if (closed) return true;
      const bytes = Buffer.byteLength(line);
      if ((fault && now() - lastAttempt < retryMs) || queued + bytes > maxQueued) {
        dropped++;
        return true;
      }
      queue.push(line);
      queued += bytes;
      kick();
      return true;
    },
    flush(cb) {
      if (!writing && queue.length === 0) return cb();
      waiters.push(cb);
    },
    flushSync() {
      if (writing || queue.length === 0 || fd < 0) return;
      const lines = queue.length;
      const buf = Buffer.from(queue.join(''));
      queue = [];
      queued = 0;
      try {
        for (let off = 0; off < buf.length; ) {
          const n = writeSync(fd, buf, off, buf.length - off);
          if (n <= 0) throw new Error('no progress');
          off += n;
        }
      } catch {
        dropped += lines; // exiting: nothing more to try
      }
    },
    close() {
      closed = true;
      if (!writing) closeFd();
      settle();
    },
    stats: () => ({ dropped, fault: fault?.code ?? null }),
  };
}
