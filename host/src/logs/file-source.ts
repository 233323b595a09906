import { type FileHandle, open } from 'node:fs/promises';
import type { LogEntry, LogPage, LogQuery, LogSource } from '@quantix/shared';
import {
  BUDGET_SPENT,
  type BackwardReader,
  createBackwardReader,
  type ScanBudget,
} from './backward-reader.ts';
import { createFeedHub } from './feed-hub.ts';
import { decodeFileCursor, encodeFileCursor, type FileCursor } from './file-cursor.ts';
import { followFile } from './file-follow.ts';

/** Stops a tail; `ready` (when present) settles once the tail is really listening. */
export type TailStop = (() => void) & { ready?: Promise<void> };
import { createBackwardAssembler, type FileFormat, type RawFileEntry } from './file-parse.ts';
import { type CompiledFilter, compileFilter, type LogFilter } from './log-filter.ts';

export interface FileSpec {
  /** the entries' `source`: `quantix-host`, `libvirtd`, `qemu:<vm>` */
  id: string;
  label: string;
  path: string;
  format: FileFormat;
}

export interface FileSourceDeps {
  files: () => FileSpec[] | Promise<FileSpec[]>;
  /** bytes one query may read over all files before it returns what it has (default 64 MiB) */
  scanBudgetBytes?: number;
  chunkSize?: number;
  maxLineBytes?: number;
  pollMs?: number;
}

export interface FileSource {
  sources(): Promise<LogSource[]>;
  query(q: LogQuery): Promise<LogPage>;
  /** the same over an explicit list (one VM's QEMU log) */
  queryFiles(specs: FileSpec[], q: LogQuery): Promise<LogPage>;
  tail(f: LogFilter, onEntry: (e: LogEntry) => void): TailStop;
  tailFiles(specs: FileSpec[], f: LogFilter, onEntry: (e: LogEntry) => void): () => void;
}

const MiB = 1024 * 1024;

/** One file being read backwards during a query. */
interface Stream {
  spec: FileSpec;
  fh: FileHandle;
  reader: BackwardReader;
  asm: ReturnType<typeof createBackwardAssembler>;
  ready: RawFileEntry[];
  atStart: boolean;
  finished: boolean;
  lastTaken: number;
  skipNewerThan: number | null;
}

const toEntry = (spec: FileSpec, e: RawFileEntry): LogEntry => {
  const out: LogEntry = {
    cursor: encodeFileCursor({ p: { [spec.id]: e.offset }, t: e.tsMs }),
    timestamp: new Date(e.tsMs).toISOString(),
    level: e.level,
    source: spec.id,
    message: e.message,
  };
  if (e.pid !== undefined) out.pid = e.pid;
  if (e.hostname !== undefined) out.hostname = e.hostname;
  return out;
};

/**
 * Logs read from plain files, newest first. Each file is read backwards in chunks from where the
 * cursor left it; several files are merged by time (k-way, newest head first; equal times go in
 * the order of `files()`). Filters apply while reading; a query stops at `limit` matches plus one
 * (to know there is more) or when the scan budget is spent, and then says where to go on. Only
 * the current file is read: rotated `.1`/`.gz` files are not.
 */
export function createFileSource(deps: FileSourceDeps): FileSource {
  const budgetBytes = deps.scanBudgetBytes ?? 64 * MiB;
  const chunkSize = deps.chunkSize ?? 64 * 1024;
  const maxLineBytes = deps.maxLineBytes ?? 64 * 1024;
  const hub = createFeedHub<RawFileEntry>();

  const select = (all: FileSpec[], source: string | undefined) =>
    source === undefined ? all : all.filter((s) => s.id === source);

  async function openStream(
    spec: FileSpec,
    cursor: FileCursor | null,
    budget: ScanBudget,
    warnings: string[],
  ): Promise<Stream | 'empty' | null> {
    let fh: FileHandle;
    try {
      fh = await open(spec.path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') warnings.push(`${spec.id}: cannot read ${spec.path} (${code ?? 'error'})`);
      return null;
    }
    const st = await fh.stat();
    const size = Number(st.size);
    const known = cursor?.p[spec.id];
    let end = size;
    let skipNewerThan: number | null = null;
    if (cursor) {
      if (known !== undefined && known <= size) end = known;
      else skipNewerThan = cursor.t;
    }
    if (end === 0) {
      await fh.close();
      return 'empty';
    }
    const fallback = cursor?.t ?? Number(st.mtimeMs);
    return {
      spec,
      fh,
      reader: createBackwardReader(fh, end, { chunkSize, maxLineBytes, budget }),
      asm: createBackwardAssembler(spec.format, () => fallback),
      ready: [],
      atStart: false,
      finished: false,
      lastTaken: end,
      skipNewerThan,
    };
  }

  /** the stream's next entry without taking it */
  async function peek(s: Stream): Promise<RawFileEntry | null | typeof BUDGET_SPENT> {
    for (;;) {
      const head = s.ready[0];
      if (head) {
        if (s.skipNewerThan === null || head.tsMs <= s.skipNewerThan) return head;
        take(s);
        continue;
      }
      if (s.atStart) return null;
      const r = await s.reader.next();
      if (r === BUDGET_SPENT) return r;
      if (r === null) {
        s.atStart = true;
        s.ready.push(...s.asm.end());
      } else {
        s.ready.push(...s.asm.push(r.line, r.offset));
      }
    }
  }

  function take(s: Stream): void {
    const e = s.ready.shift();
    if (e) s.lastTaken = e.offset;
  }

  const position = (s: Stream): number => {
    if (s.finished) return 0;
    return s.ready.length === 0 && !s.asm.hasPending() ? s.reader.position() : s.lastTaken;
  };

  async function queryFiles(specs: FileSpec[], q: LogQuery): Promise<LogPage> {
    const filter: CompiledFilter = compileFilter(q);
    const cursor = q.before ? decodeFileCursor(q.before) : null;
    const budget: ScanBudget = { remaining: budgetBytes };
    const warnings: string[] = [];
    const streams: Stream[] = [];
    const exhausted: string[] = [];
    try {
      for (const spec of specs) {
        const s = await openStream(spec, cursor, budget, warnings);
        if (s === 'empty') exhausted.push(spec.id);
        else if (s) streams.push(s);
      }
      const state = (t: number | null): string => {
        const p: Record<string, number> = {};
        for (const id of exhausted) p[id] = 0;
        for (const s of streams) p[s.spec.id] = position(s);
        return encodeFileCursor({ p, t });
      };

      const entries: LogEntry[] = [];
      let snapshot: string | null = null;
      let lastT = cursor?.t ?? null;
      let budgetSpent = false;
      let more = false;
      const active = [...streams];
      while (!more) {
        let best: Stream | null = null;
        let bestHead: RawFileEntry | null = null;
        for (let k = 0; k < active.length; ) {
          const s = active[k] as Stream;
          let h: RawFileEntry | null | typeof BUDGET_SPENT;
          try {
            h = await peek(s);
          } catch (err) {
            warnings.push(`${s.spec.id}: ${(err as Error).message}`);
            h = null;
          }
          if (h === BUDGET_SPENT) {
            budgetSpent = true;
            break;
          }
          // newest first: once a file is older than `since`, nothing further in it matches
          if (h === null || h.tsMs < filter.sinceMs) {
            s.finished = true;
            active.splice(k, 1);
            continue;
          }
          if (!bestHead || h.tsMs > bestHead.tsMs) {
            best = s;
            bestHead = h;
          }
          k++;
        }
        if (budgetSpent || !best || !bestHead) break;
        take(best);
        lastT = bestHead.tsMs;
        if (bestHead.tsMs > filter.untilMs || !filter.accepts(bestHead)) continue;
        if (entries.length === q.limit) {
          more = true;
          break;
        }
        entries.push(toEntry(best.spec, bestHead));
        if (entries.length === q.limit) snapshot = state(lastT);
      }

      let nextBefore: string | null = null;
      if (more) nextBefore = snapshot;
      else if (budgetSpent) {
        nextBefore = state(lastT);
        warnings.push(
          `read ${Math.round(budgetBytes / MiB)} MiB of log without filling the page; nextBefore goes on from there`,
        );
      }
      const page: LogPage = { entries, nextBefore, backend: 'files' };
      if (warnings.length > 0) page.warnings = warnings;
      return page;
    } finally {
      await Promise.all(streams.map((s) => s.fh.close().catch(() => {})));
    }
  }

  function tailFiles(specs: FileSpec[], f: LogFilter, onEntry: (e: LogEntry) => void): () => void {
    const filter = compileFilter(f);
    const stops = specs.map((spec) =>
      hub.subscribe(
        `${spec.format}\0${spec.path}`,
        (emit) => followFile(spec, emit, deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
        (raw) => {
          if (filter.inRange(raw.tsMs) && filter.accepts(raw)) onEntry(toEntry(spec, raw));
        },
      ),
    );
    return () => {
      for (const stop of stops) stop();
    };
  }

  return {
    async sources() {
      return (await deps.files()).map((s) => ({ id: s.id, label: s.label, kind: 'file' as const }));
    },
    async query(q) {
      return queryFiles(select(await deps.files(), q.source), q);
    },
    queryFiles,
    tail(f, onEntry) {
      let stop: (() => void) | null = null;
      let stopped = false;
      // `ready` settles once every file is followed: lines written after that are seen
      const ready = Promise.resolve(deps.files())
        .then((all) => {
          if (!stopped) stop = tailFiles(select(all, f.source), f, onEntry);
        })
        .catch(() => {});
      return Object.assign(
        () => {
          stopped = true;
          stop?.();
        },
        { ready },
      );
    },
    tailFiles,
  };
}
