import type { LogLevel } from '@quantix/shared';

/**
 * Pure parsing of the three log file formats the host reads when journald does not run:
 * - `pino`: the appliance's own log, one JSON object a line (`level` 10-60, `time`, `msg`);
 * - `libvirtd`: libvirt's file output, `<ts>: <thread>: <prio> : [<func>:<line> : ]<message>`
 *   (virLogFormatString; `<ts>` is `YYYY-MM-DD HH:MM:SS.mmm+0000`);
 * - `qemu`: /var/log/libvirt/qemu/<vm>.log — libvirt's `<ts>: starting up …` / `shutting down …`
 *   lines, the command line it ran (plain lines), and QEMU's stderr, timestamped
 *   `YYYY-MM-DDTHH:MM:SS.ffffffZ` when libvirt passes `-msg timestamp=on`.
 * A line without a timestamp continues the entry before it and takes its time.
 */
export type FileFormat = 'pino' | 'libvirtd' | 'qemu';

export type ParsedLine =
  | { kind: 'entry'; tsMs: number; level: LogLevel; message: string; pid?: number; hostname?: string }
  /** `level: null`: take the level of the entry it continues */
  | { kind: 'continuation'; level: LogLevel | null; message: string }
  | { kind: 'skip' };

/** One entry of a file and the byte offset where its line starts. */
export interface RawFileEntry {
  tsMs: number;
  level: LogLevel;
  message: string;
  offset: number;
  pid?: number;
  hostname?: string;
}

/** Longest message kept; the rest is cut with an ellipsis. */
export const MAX_MESSAGE_CHARS = 64 * 1024;
const cap = (s: string): string => (s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS)}…` : s);

const LIBVIRT_TS = String.raw`(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})`;
const LIBVIRT_LINE = new RegExp(`^${LIBVIRT_TS}: (\\d+): (debug|info|warning|error) : (.*)$`);
const LIBVIRT_PLAIN = new RegExp(`^${LIBVIRT_TS}: (.*)$`);
const ISO_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (.*)$/;

const LIBVIRT_LEVEL: Record<string, LogLevel> = {
  debug: 'debug',
  info: 'info',
  warning: 'warning',
  error: 'error',
};

export function parseLine(format: FileFormat, line: string): ParsedLine {
  if (line.trim() === '') return { kind: 'skip' };
  if (format === 'pino') return parsePino(line);
  const lv = parseLibvirt(line);
  if (lv) return lv;
  if (format === 'libvirtd') {
    const plain = parseLibvirtPlain(line);
    // a multi-line libvirt message (an XML dump, say) keeps the level of its first line
    return plain ?? { kind: 'continuation', level: null, message: cap(line) };
  }
  const plain = parseLibvirtPlain(line);
  if (plain) return plain;
  const iso = ISO_LINE.exec(line);
  if (iso) {
    const tsMs = Date.parse(iso[1] ?? '');
    const message = iso[2] ?? '';
    if (Number.isFinite(tsMs))
      return { kind: 'entry', tsMs, level: qemuLevel(message), message: cap(message) };
  }
  return { kind: 'continuation', level: qemuLevel(line), message: cap(line) };
}

function libvirtTime(m: RegExpExecArray): number {
  return Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
}

function parseLibvirt(line: string): ParsedLine | null {
  const m = LIBVIRT_LINE.exec(line);
  if (!m) return null;
  const tsMs = libvirtTime(m);
  if (!Number.isFinite(tsMs)) return null;
  return { kind: 'entry', tsMs, level: LIBVIRT_LEVEL[m[6] ?? ''] ?? 'info', message: cap(m[7] ?? '') };
}

function parseLibvirtPlain(line: string): ParsedLine | null {
  const m = LIBVIRT_PLAIN.exec(line);
  if (!m) return null;
  const tsMs = libvirtTime(m);
  if (!Number.isFinite(tsMs)) return null;
  const message = m[5] ?? '';
  return { kind: 'entry', tsMs, level: qemuLevel(message), message: cap(message) };
}

/** QEMU's stderr has no levels; `warning:` and failure words are the honest hints. */
export function qemuLevel(message: string): LogLevel {
  const m = message.replace(/^qemu-(?:system-[\w-]+|kvm):\s*/, '');
  if (/^warning:/i.test(m)) return 'warning';
  if (/^error:|\b(error|fatal|failed|could not|cannot|unable to)\b|reason=crashed/i.test(m)) return 'error';
  return 'info';
}

/** pino's numeric levels: trace 10, debug 20, info 30, warn 40, error 50, fatal 60. */
export function pinoLevel(n: number): LogLevel {
  if (n >= 60) return 'critical';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warning';
  if (n >= 30) return 'info';
  return 'debug';
}

const PINO_OWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'v']);

function parsePino(line: string): ParsedLine {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return { kind: 'skip' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'skip' };
  const rec = o as Record<string, unknown>;
  const level = rec.level;
  const time = rec.time;
  const tsMs = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : Number.NaN;
  if (typeof level !== 'number' || !Number.isFinite(tsMs)) return { kind: 'skip' };
  // the bound fields say what the message is about (`{ url, hostId }`, `{ method, path, status }`)
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (PINO_OWN.has(k)) continue;
    extra[k] =
      k === 'err' && typeof v === 'object' && v !== null ? errSummary(v as Record<string, unknown>) : v;
  }
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const tail = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  const out: ParsedLine = { kind: 'entry', tsMs, level: pinoLevel(level), message: cap(`${msg}${tail}`) };
  if (typeof rec.pid === 'number') out.pid = rec.pid;
  if (typeof rec.hostname === 'string') out.hostname = rec.hostname;
  return out;
}

/** An error's type and message; its stack stays in the file. */
function errSummary(err: Record<string, unknown>): string {
  const type = typeof err.type === 'string' ? `${err.type}: ` : '';
  return `${type}${typeof err.message === 'string' ? err.message : ''}`;
}

function withTime(
  p: { level: LogLevel | null; message: string; offset: number },
  tsMs: number,
  level: LogLevel,
): RawFileEntry {
  return { tsMs, level: p.level ?? level, message: p.message, offset: p.offset };
}

function entryOf(p: Extract<ParsedLine, { kind: 'entry' }>, offset: number): RawFileEntry {
  const e: RawFileEntry = { tsMs: p.tsMs, level: p.level, message: p.message, offset };
  if (p.pid !== undefined) e.pid = p.pid;
  if (p.hostname !== undefined) e.hostname = p.hostname;
  return e;
}

/**
 * Lines in file order → entries. A continuation line takes the time and (for libvirtd) the level
 * of the entry before it; before the first timestamped line, `fallbackTs`.
 */
export function createForwardAssembler(format: FileFormat, fallbackTs: () => number) {
  let last: { tsMs: number; level: LogLevel } | null = null;
  return (line: string, offset: number): RawFileEntry | null => {
    const p = parseLine(format, line);
    if (p.kind === 'skip') return null;
    if (p.kind === 'entry') {
      last = { tsMs: p.tsMs, level: p.level };
      return entryOf(p, offset);
    }
    const prev = last ?? { tsMs: fallbackTs(), level: 'info' as LogLevel };
    return withTime({ ...p, offset }, prev.tsMs, prev.level);
  };
}

/** Most continuation lines held while looking (backwards) for the line that dates them. */
export const MAX_PENDING_LINES = 4096;

/**
 * Lines newest first (reading a file backwards) → entries newest first. Continuation lines wait
 * until the timestamped line above them is found. Lines that never find one (the file starts with
 * them, or there are more than MAX_PENDING_LINES in a row) take the time of the entry below them,
 * or `newerTs` when there is none yet.
 */
export function createBackwardAssembler(format: FileFormat, newerTs: () => number) {
  let pending: Array<{ level: LogLevel | null; message: string; offset: number }> = [];
  let below: number | null = null;
  const flushPending = (tsMs: number, level: LogLevel): RawFileEntry[] => {
    const out = pending.map((p) => withTime(p, tsMs, level));
    pending = [];
    return out;
  };
  return {
    push(line: string, offset: number): RawFileEntry[] {
      const p = parseLine(format, line);
      if (p.kind === 'skip') return [];
      if (p.kind === 'continuation') {
        pending.push({ level: p.level, message: p.message, offset });
        return pending.length > MAX_PENDING_LINES ? flushPending(below ?? newerTs(), 'info') : [];
      }
      const out = flushPending(p.tsMs, p.level);
      out.push(entryOf(p, offset));
      below = p.tsMs;
      return out;
    },
    /** the start of the file: what is still pending gets a time anyway */
    end(): RawFileEntry[] {
      return flushPending(below ?? newerTs(), 'info');
    },
    hasPending: (): boolean => pending.length > 0,
  };
}
