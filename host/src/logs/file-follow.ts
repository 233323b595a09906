import { type FSWatcher, statSync, watch } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createForwardAssembler } from './file-assemble.ts';
import type { FileFormat, RawFileEntry } from './file-parse.ts';

export interface FollowOptions {
  /** stat the file this often as well: fs.watch misses rotation and some file systems */
  pollMs?: number;
  /** most bytes read per pass; the rest comes on the next pass */
  maxReadBytes?: number;
  maxLineBytes?: number;
  now?: () => number;
}

const NL = 0x0a;

/**
 * `tail -F` for one file: emits the lines appended after it started. Truncation (the size
 * shrinks) and rotation (another inode at the path) start over from offset 0; a missing file is
 * waited for. fs.watch makes it prompt, a poll makes it sure. Returns stop.
 */
export function followFile(
  file: { path: string; format: FileFormat },
  onEntry: (e: RawFileEntry) => void,
  opts: FollowOptions = {},
): () => void {
  const pollMs = opts.pollMs ?? 1000;
  const maxRead = opts.maxReadBytes ?? 4 * 1024 * 1024;
  const maxLine = opts.maxLineBytes ?? 64 * 1024;
  const now = opts.now ?? Date.now;
  let offset = 0;
  let ino: number | null = null;
  let partial: Buffer[] = [];
  let partialLen = 0;
  let lineStart = 0;
  let assemble = createForwardAssembler(file.format, now);
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let stopped = false;

  const restart = (at: number) => {
    offset = at;
    lineStart = at;
    partial = [];
    partialLen = 0;
    assemble = createForwardAssembler(file.format, now);
  };

  const rewatch = () => {
    watcher?.close();
    watcher = null;
    try {
      watcher = watch(file.path, { persistent: false }, () => void check());
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      // not there (yet): the poll finds it
    }
  };

  const emitLine = (buf: Buffer) => {
    const line = buf.length > maxLine ? `${buf.toString('utf8', 0, maxLine)}…` : buf.toString('utf8');
    for (const e of assemble.push(line, lineStart)) onEntry(e);
  };

  const consume = (chunk: Buffer) => {
    let from = 0;
    for (let i = chunk.indexOf(NL); i >= 0; i = chunk.indexOf(NL, from)) {
      const piece = chunk.subarray(from, i);
      const whole = partialLen > 0 ? Buffer.concat([...partial, piece]) : piece;
      emitLine(whole);
      lineStart += whole.length + 1;
      partial = [];
      partialLen = 0;
      from = i + 1;
    }
    const rest = chunk.subarray(from);
    if (rest.length === 0) return;
    if (partialLen + rest.length > maxLine) {
      // an endless line: show what there is and go on as if it had ended
      emitLine(Buffer.concat([...partial, rest]));
      lineStart += partialLen + rest.length;
      partial = [];
      partialLen = 0;
      return;
    }
    partial.push(Buffer.from(rest));
    partialLen += rest.length;
  };

  async function pass(): Promise<void> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(file.path);
    } catch {
      if (ino !== null) restart(0); // gone: its successor is read from the start
      ino = null;
      return;
    }
    if (ino !== Number(st.ino)) {
      // rotated, or created since: a new file, read from its start
      rewatch();
      restart(0);
      ino = Number(st.ino);
    }
    const size = Number(st.size);
    if (size < offset) restart(0);
    if (size === offset) return;
    const fh = await open(file.path, 'r');
    try {
      const want = Math.min(size - offset, maxRead);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, offset);
      offset += bytesRead;
      consume(buf.subarray(0, bytesRead));
      if (offset < size) again = true;
      // all there is has been read: an entry still open (libvirtd's multi-line message) is whole
      else if (partialLen === 0) for (const e of assemble.flush()) onEntry(e);
    } finally {
      await fh.close();
    }
  }

  async function check(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await pass().catch(() => {
          // unreadable for now (permissions, a race with rotation): the next poll tries again
        });
      } while (again && !stopped);
    } finally {
      running = false;
    }
  }

  // what is there now is history: synchronously, so whatever is written after this call is seen
  try {
    const st = statSync(file.path);
    ino = Number(st.ino);
    restart(Number(st.size));
  } catch {
    ino = null;
  }
  rewatch();

  const tick = () => {
    timer = setTimeout(() => void check().finally(() => !stopped && tick()), pollMs);
    timer.unref();
  };
  void check().finally(() => !stopped && tick());

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    watcher?.close();
    watcher = null;
  };
}
