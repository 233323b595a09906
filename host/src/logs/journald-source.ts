import { spawn } from 'node:child_process';
import { AppError, type LogEntry, type LogPage, type LogQuery, type LogSource } from '@quantix/shared';
import { createFeedHub } from './feed-hub.ts';
import { queryArgs, tailArgs, unitFieldArgs } from './journald-args.ts';
import { parseJournalLine } from './journald-parse.ts';
import { compileFilter, type LogFilter } from './log-filter.ts';

export interface JournaldSourceDeps {
  /** the command; found in PATH (default `journalctl`) */
  journalctl?: string;
  /** the child's environment (default: ours) */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** stdout read from one run before it is stopped (default 32 MiB) */
  maxOutputBytes?: number;
  /** entries one query may scan when the text is matched in JS (no PCRE2) */
  jsScanMax?: number;
  /** first delay before a `journalctl -f` that ended is started again (doubles up to 30 s) */
  restartMs?: number;
}

export interface JournaldSource {
  query(q: LogQuery): Promise<LogPage>;
  tail(f: LogFilter, onEntry: (e: LogEntry) => void): () => void;
  sources(): Promise<LogSource[]>;
  /** journalctl's --grep needs PCRE2 (`+PCRE2` in `journalctl --version`) */
  grepSupported(): Promise<boolean>;
}

const MiB = 1024 * 1024;
const JS_BATCH = 1000;
const MAX_UNITS = 1000;

/** Splits a byte stream into lines; bytes, not text, so a character split across chunks stays whole. */
export function lineSplitter(onLine: (line: string) => void) {
  let rest: Buffer = Buffer.alloc(0);
  return {
    push(chunk: Buffer) {
      let buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a)) {
        onLine(buf.toString('utf8', 0, i));
        buf = buf.subarray(i + 1);
      }
      rest = Buffer.from(buf);
    },
    end() {
      if (rest.length > 0) onLine(rest.toString('utf8'));
      rest = Buffer.alloc(0);
    },
  };
}

/**
 * The systemd journal through `journalctl` (no shell: argv only). Each query is one child with
 * a timeout and an output cap; each distinct tail is one `journalctl --follow` shared by its
 * watchers and stopped with the last. The text filter is journalctl's `--grep` (a literal,
 * case-insensitive) when journalctl has PCRE2 — Debian 12's links it — and JS matching over
 * bounded batches when it does not.
 */
export function createJournaldSource(deps: JournaldSourceDeps = {}): JournaldSource {
  const cmd = deps.journalctl ?? 'journalctl';
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const maxBytes = deps.maxOutputBytes ?? 32 * MiB;
  const jsScanMax = deps.jsScanMax ?? 20_000;
  const restartMs = deps.restartMs ?? 2000;
  const hub = createFeedHub<LogEntry>();
  const spawnChild = (args: string[]) =>
    spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: deps.env });

  /** Runs journalctl to the end; `capped` when stdout passed `limitBytes` and it was stopped. */
  function run(args: string[], limitBytes = maxBytes): Promise<{ lines: string[]; capped: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawnChild(args);
      const lines: string[] = [];
      const split = lineSplitter((l) => lines.push(l));
      let bytes = 0;
      let capped = false;
      let timedOut = false;
      let stderr = '';
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        if (capped) return;
        const room = limitBytes - bytes;
        bytes += chunk.length;
        if (bytes <= limitBytes) return split.push(chunk);
        // up to the cap; the line cut there is never ended, so it is left out
        split.push(chunk.subarray(0, Math.max(0, room)));
        capped = true;
        child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new AppError('INTERNAL', `cannot run ${cmd}: ${err.message}`, { cause: err }));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) return reject(new AppError('INTERNAL', `${cmd} did not answer within ${timeoutMs} ms`));
        if (!capped) split.end();
        const complaint = stderr.trim();
        // --grep without a match ends with 1 and says nothing
        if (capped || code === 0 || (code === 1 && complaint === '')) return resolve({ lines, capped });
        reject(new AppError('INTERNAL', `${cmd} failed (${code}): ${complaint.split('\n')[0] ?? ''}`));
      });
    });
  }

  let grepProbe: Promise<boolean> | null = null;
  const grepSupported = (): Promise<boolean> => {
    grepProbe ??= run(['--version'], MiB)
      .then((r) => r.lines.some((l) => l.includes('+PCRE2')))
      .catch(() => false);
    return grepProbe;
  };

  const parseAll = (lines: string[]): LogEntry[] => {
    const out: LogEntry[] = [];
    for (const l of lines) {
      const e = parseJournalLine(l);
      if (e) out.push(e);
    }
    return out;
  };

  /** Entries newer than `since` (given to journalctl on a first page only), and whether one was older. */
  const untilOlder = (
    entries: LogEntry[],
    since: string | undefined,
  ): { kept: LogEntry[]; ended: boolean } => {
    const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
    const i = entries.findIndex((e) => Date.parse(e.timestamp) < sinceMs);
    return i < 0 ? { kept: entries, ended: false } : { kept: entries.slice(0, i), ended: true };
  };

  async function queryWithGrep(q: LogQuery, grep: boolean): Promise<LogPage> {
    const { lines, capped } = await run(queryArgs(q, { grep, lines: q.limit + 1 }));
    const { kept: entries, ended } = untilOlder(parseAll(lines), q.since);
    if (capped && !ended) {
      // only whole lines were kept; go on after the last of them
      const kept = entries.slice(0, q.limit);
      return {
        entries: kept,
        nextBefore: kept.at(-1)?.cursor ?? q.before ?? null,
        backend: 'journald',
        warnings: [`journalctl printed more than ${Math.round(maxBytes / MiB)} MiB; the page is short`],
      };
    }
    const more = entries.length > q.limit;
    const page = entries.slice(0, q.limit);
    return { entries: page, nextBefore: more ? (page.at(-1)?.cursor ?? null) : null, backend: 'journald' };
  }

  /** No PCRE2: batches newest first, matched here, until the page is full or jsScanMax is read. */
  async function queryMatchingInJs(q: LogQuery): Promise<LogPage> {
    const filter = compileFilter({ text: q.text });
    const found: LogEntry[] = [];
    let before = q.before;
    let scanned = 0;
    for (;;) {
      const { lines } = await run(queryArgs({ ...q, before }, { grep: false, lines: JS_BATCH }));
      const { kept: batch, ended } = untilOlder(parseAll(lines), q.since);
      for (const e of batch) {
        scanned++;
        before = e.cursor;
        if (!filter.accepts(e)) continue;
        if (found.length === q.limit) {
          return { entries: found, nextBefore: found.at(-1)?.cursor ?? null, backend: 'journald' };
        }
        found.push(e);
      }
      if (ended || batch.length < JS_BATCH) return { entries: found, nextBefore: null, backend: 'journald' };
      if (scanned >= jsScanMax) {
        return {
          entries: found,
          nextBefore: before ?? null,
          backend: 'journald',
          warnings: [`scanned ${scanned} entries without filling the page; nextBefore goes on from there`],
        };
      }
    }
  }

  /** One `journalctl --follow`, started again (after what it last showed) if it ends. */
  function follow(f: LogFilter, emit: (e: LogEntry) => void): () => void {
    let stopped = false;
    let child: ReturnType<typeof spawnChild> | null = null;
    let timer: NodeJS.Timeout | null = null;
    let lastCursor: string | undefined;
    let delay = restartMs;
    const start = async () => {
      const grep = !f.text || (await grepSupported());
      if (stopped) return;
      const c = spawnChild(tailArgs(f, { grep, afterCursor: lastCursor }));
      child = c;
      const split = lineSplitter((l) => {
        const e = parseJournalLine(l);
        if (!e) return;
        lastCursor = e.cursor;
        delay = restartMs;
        emit(e);
      });
      c.stdout.on('data', (chunk: Buffer) => split.push(chunk));
      c.stderr.resume();
      c.on('error', () => {}); // 'close' follows
      c.on('close', () => {
        if (child === c) child = null;
        if (stopped) return;
        timer = setTimeout(() => void start(), delay);
        timer.unref();
        delay = Math.min(delay * 2, 30_000);
      });
    };
    void start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      child?.kill('SIGTERM');
      child = null;
    };
  }

  return {
    grepSupported,
    async query(q) {
      if (!q.text || (await grepSupported())) return queryWithGrep(q, true);
      return queryMatchingInJs(q);
    },
    tail(f, onEntry) {
      const filter = compileFilter(f);
      const key = JSON.stringify([f.level ?? null, f.source ?? null, f.text ?? null]);
      return hub.subscribe(
        key,
        (emit) => follow({ level: f.level, source: f.source, text: f.text }, emit),
        (e) => {
          if (filter.inRange(Date.parse(e.timestamp)) && filter.accepts(e)) onEntry(e);
        },
      );
    },
    async sources() {
      const { lines } = await run(unitFieldArgs(), MiB);
      const units = [...new Set(lines.map((l) => l.trim()).filter((l) => l !== ''))]
        .sort()
        .slice(0, MAX_UNITS);
      return units.map((id) => ({ id, label: id, kind: 'unit' as const }));
    },
  };
}
