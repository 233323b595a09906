import { type FileHandle, open } from 'node:fs/promises';
import type { LogEntry, LogPage, LogQuery, LogSource } from '@quantix/shared';
import {
  BUDGET_SPENT,
  type BackwardReader,
  createBackwardReader,
  type LineBlock,
  type ScanBudget,
} from './backward-reader.ts';
import { type BlockLines, createBlockLines, fullMask, type MayMatch } from './block-lines.ts';
import { createFeedHub } from './feed-hub.ts';
import { createBackwardAssembler, type KeepGroup } from './file-assemble.ts';
import { decodeFileCursor, encodeFileCursor, type FileCursor } from './file-cursor.ts';
import { followFile } from './file-follow.ts';
import {
  type FileFormat,
  pinoLevel,
  pinoLevelAt,
  pinoLinesFrom,
  pinoTimeAhead,
  type RawFileEntry,
} from './file-parse.ts';
import { type CompiledFilter, compileFilter, type LogFilter, levelRank } from './log-filter.ts';

/** Stops a tail; `ready` (when present) settles once the tail is really listening. */
export type TailStop = (() => void) & { ready?: Promise<void> };

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
  /** the first read of a file (default 64 KiB: a page of the newest entries); reads then double */
  chunkSize?: number;
  /** the biggest read (default 1 MiB) */
  maxChunkSize?: number;
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
  /** the block being walked, and where it starts */
  lines: BlockLines | null;
  blockStart: number;
  /** the block's lines that cannot match need not be looked at one by one (`blockPassable`) */
  passOver: boolean;
  asm: ReturnType<typeof createBackwardAssembler>;
  filter: CompiledFilter;
  anchor: string | undefined;
  mayMatch: MayMatch | undefined;
  lineFinder: RegExp | undefined;
  ready: RawFileEntry[];
  atStart: boolean;
  /** set when an entry older than `since` went by unparsed: nothing further back matches */
  since: { passed: boolean };
  finished: boolean;
  /** where the oldest line handed to the assembler starts */
  scanned: number;
  lastTaken: number;
  skipNewerThan: number | null;
}

/**
 * The text a candidate line must hold: the longest fragment of the filter's text (likely the
 * rarest); the others are checked on the candidates' lines before they are parsed.
 */
const anchorOf = (fragments: readonly string[]): string | undefined =>
  fragments.reduce<string | undefined>(
    (best, f) => (best === undefined || f.length > best.length ? f : best),
    undefined,
  );

/**
 * A pino line is an entry of its own: one that is no candidate is dropped anyway, and can be
 * passed over unseen — unless its time is wanted, to stop at `since` (see `blockPassable`).
 */
const canPassOver = (format: FileFormat, filter: CompiledFilter): boolean =>
  format === 'pino' && (filter.fragments.length > 0 || filter.minRank > 0);

/** The cheap look at a line: for pino, the level its first characters give. */
function linesMayMatch(format: FileFormat, filter: CompiledFilter): MayMatch | undefined {
  if (format !== 'pino' || filter.minRank === 0) return undefined;
  return (text, a, b) => {
    const n = pinoLevelAt(text, a, b);
    return n < 0 || levelRank(pinoLevel(n)) >= filter.minRank;
  };
}

/** The lowest pino level number that passes the filter's level (pino's levels go by tens). */
const pinoMinLevel = (minRank: number): number => {
  for (let n = 0; n < 60; n += 10) if (levelRank(pinoLevel(n)) >= minRank) return n;
  return 60;
};

/**
 * What can be decided about an entry before parsing it: its lines' masks (the anchor somewhere in
 * them; for pino, the level), then every other fragment of the text somewhere in them. A dropped
 * entry older than `since` ends the file's scan, as a parsed one would.
 */
function prefilter(format: FileFormat, filter: CompiledFilter, since: { passed: boolean }): KeepGroup {
  const anchor = anchorOf(filter.fragments);
  const all = fullMask(anchor);
  const others = filter.fragments.filter((f) => f !== anchor);
  const bySince = filter.sinceMs > Number.NEGATIVE_INFINITY;
  const holdsOthers = (lines: readonly string[]): boolean => {
    if (others.length === 0) return true;
    const low = lines.map((l) => l.toLowerCase());
    return others.every((f) => low.some((l) => l.includes(f)));
  };
  return (lines, mask, tsMs) => {
    if ((mask & all) === all && holdsOthers(lines)) return true;
    const t = tsMs ?? (format === 'pino' ? pinoTimeAhead(lines[0] ?? '') : Number.NaN);
    if (bySince && t < filter.sinceMs) since.passed = true;
    return false;
  };
}

/**
 * Whether a block's lines that are no candidates can be passed over unseen: with `since`, only
 * when its first (oldest) line is not older (logs are written in time order; a block that reaches
 * past `since` is walked line by line, so the scan stops where a parsed one would).
 */
function blockPassable(format: FileFormat, filter: CompiledFilter, block: LineBlock): boolean {
  if (!canPassOver(format, filter)) return false;
  if (filter.sinceMs === Number.NEGATIVE_INFINITY) return true;
  const nl = block.buf.indexOf(0x0a);
  const first = block.buf.toString('utf8', 0, nl < 0 ? block.buf.length : nl);
  return pinoTimeAhead(first) >= filter.sinceMs;
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
 * Logs read from plain files, newest first. Each file is read backwards in blocks of whole lines
 * (small first, then growing) from where the cursor left it; several files are merged by time
 * (k-way, newest head first; equal times go in the order of `files()`). Filters apply while
 * reading, and before parsing: a line that cannot match (without the text's longest fragment,
 * or a pino line below the level) is never parsed, and in a pino log not even decoded — a search
 * through a big log runs at a few times the speed of reading it (test/bench/logs.bench.ts). A
 * query stops at `limit` matches plus one (to know there is more) or when the scan budget is
 * spent, and then says where to go on. Only the current file is read: rotated `.1`/`.gz` files
 * are not.
 */
export function createFileSource(deps: FileSourceDeps): FileSource {
  const budgetBytes = deps.scanBudgetBytes ?? 64 * MiB;
  const chunkSize = deps.chunkSize ?? 64 * 1024;
  const maxChunkSize = deps.maxChunkSize ?? MiB;
  const maxLineBytes = deps.maxLineBytes ?? 64 * 1024;
  const hub = createFeedHub<RawFileEntry>();

  const select = (all: FileSpec[], source: string | undefined) =>
    source === undefined ? all : all.filter((s) => s.id === source);

  async function openStream(
    spec: FileSpec,
    cursor: FileCursor | null,
    filter: CompiledFilter,
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
    const since = { passed: false };
    const s: Stream = {
      spec,
      fh,
      reader: createBackwardReader(fh, end, {
        chunkSize,
        maxChunkSize,
        maxLineBytes,
        budget,
        // every file gets past one entry per page, or a small budget over several files (one
        // of which reads far for a rare match) could return the same page again and again
        mayStop: () => s.scanned < end && !s.asm.hasPending(),
      }),
      lines: null,
      blockStart: end,
      passOver: false,
      asm: createBackwardAssembler(spec.format, () => fallback, prefilter(spec.format, filter, since)),
      filter,
      anchor: anchorOf(filter.fragments),
      mayMatch: linesMayMatch(spec.format, filter),
      lineFinder: spec.format === 'pino' ? pinoLinesFrom(pinoMinLevel(filter.minRank)) : undefined,
      ready: [],
      atStart: false,
      since,
      finished: false,
      scanned: end,
      lastTaken: end,
      skipNewerThan,
    };
    return s;
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
      if (s.atStart || s.since.passed) return null;
      // whole blocks are walked here without waiting: only reading the next one does
      const lines = s.lines;
      if (lines?.prev(s.passOver)) {
        s.scanned = lines.offset;
        const out = s.asm.push(lines.text(), lines.offset, lines.mask);
        if (out.length > 0) s.ready.push(...out);
        continue;
      }
      if (lines) s.scanned = s.blockStart; // every line of the block has been handed on or passed over
      s.lines = null;
      const r = await s.reader.next();
      if (r === BUDGET_SPENT) return r;
      if (r === null) {
        s.atStart = true;
        s.ready.push(...s.asm.end());
      } else {
        s.lines = createBlockLines(r, {
          anchor: s.anchor,
          maxLineBytes,
          mayMatch: s.mayMatch,
          lineFinder: s.lineFinder,
        });
        s.blockStart = r.start;
        s.passOver = blockPassable(s.spec.format, s.filter, r);
      }
    }
  }

  function take(s: Stream): void {
    const e = s.ready.shift();
    if (e) s.lastTaken = e.offset;
  }

  const position = (s: Stream): number => {
    if (s.finished) return 0;
    return s.ready.length === 0 && !s.asm.hasPending() ? s.scanned : s.lastTaken;
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
        const s = await openStream(spec, cursor, filter, budget, warnings);
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
