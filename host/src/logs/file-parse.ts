import type { LogLevel } from '@quantix/shared';

/**
 * Pure parsing of the three log file formats the host reads when journald does not run:
 * - `pino`: the appliance's own log, one JSON object a line (`level` 10-60, `time`, `msg`);
 * - `libvirtd`: libvirt's file output, `<ts>: <thread>: <prio> : [<func>:<line> : ]<message>`
 *   (virLogFormatString; `<ts>` is `YYYY-MM-DD HH:MM:SS.mmm+0000`);
 * - `qemu`: /var/log/libvirt/qemu/<vm>.log — libvirt's `<ts>: starting up …` / `shutting down …`
 *   lines, the command line it ran (plain lines, each but the last ending in ` \`), and QEMU's
 *   stderr, timestamped `YYYY-MM-DDTHH:MM:SS.ffffffZ` when libvirt passes `-msg timestamp=on`.
 *
 * An entry is one line or several (see `continues`): a libvirtd message printed over several
 * lines (an XML dump), or the command line libvirt ran. A line without a timestamp takes the time
 * of the entry before it. How lines are grouped into entries is in file-assemble.ts.
 */
export type FileFormat = 'pino' | 'libvirtd' | 'qemu';

export type ParsedLine =
  | { kind: 'entry'; tsMs: number; level: LogLevel; message: string; pid?: number; hostname?: string }
  /** `level: null`: take the level of the entry it continues */
  | { kind: 'continuation'; level: LogLevel | null; message: string }
  | { kind: 'skip' };

/** One entry of a file and the byte offset where its (first) line starts. */
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

// `s`: a message may hold a carriage return (a CRLF file) and is still a message
const LIBVIRT_TS = String.raw`(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2})`;
const LIBVIRT_HEAD = new RegExp(`^${LIBVIRT_TS}: `);
const LIBVIRT_LINE = new RegExp(`^${LIBVIRT_TS}: (\\d+): (debug|info|warning|error) : (.*)$`, 's');
const LIBVIRT_PLAIN = new RegExp(`^${LIBVIRT_TS}: (.*)$`, 's');
const ISO_TS = String.raw`(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))`;
const ISO_HEAD = new RegExp(`^${ISO_TS} `);
const ISO_LINE = new RegExp(`^${ISO_TS} (.*)$`, 's');

const LIBVIRT_LEVEL: Record<string, LogLevel> = {
  debug: 'debug',
  info: 'info',
  warning: 'warning',
  error: 'error',
};

/** Empty or only whitespace; most lines are told apart by their first character. */
export const isBlank = (line: string): boolean => {
  const c = line.charCodeAt(0); // NaN for ''
  return !(c > 0x20 && c < 0x7f) && line.trim() === '';
};

export function parseLine(format: FileFormat, line: string): ParsedLine {
  if (isBlank(line)) return { kind: 'skip' };
  if (format === 'pino') return parsePino(line);
  const lv = parseLibvirt(line);
  if (lv) return lv;
  if (format === 'libvirtd') {
    const plain = parseLibvirtPlain(line);
    // a multi-line libvirt message (an XML dump, say) keeps the level of its first line
    return plain ?? { kind: 'continuation', level: null, message: cap(line) };
  }
  const plain = parseLibvirtPlain(line) ?? parseIsoLine(line);
  return plain ?? { kind: 'continuation', level: qemuLevel(line), message: cap(line) };
}

/**
 * The time of a libvirtd or QEMU line that starts an entry, null for a line that continues one:
 * what `parseLine` says, without building the entry. Not for pino, where every line is an entry.
 * Each reader makes its own: it remembers the last second it parsed (consecutive lines mostly
 * share it), which spares a Date.parse per line.
 */
export function createHeadTime(): (format: FileFormat, line: string) => number | null {
  let lastKey = '';
  let lastBase = Number.NaN;
  return (format, line) => {
    // every head starts with a digit: most continuation lines are turned away by one comparison
    const c = line.charCodeAt(0);
    if (c < 0x30 || c > 0x39) return null;
    const m = LIBVIRT_HEAD.exec(line);
    if (m) {
      // `<date> <hh:mm:ss>[.<fraction>]<zone>`: the second, parsed once, plus the milliseconds
      const hms = m[2] ?? '';
      const key = `${m[1]} ${hms.slice(0, 8)}${m[3]}${m[4]}`;
      if (key !== lastKey) {
        lastKey = key;
        lastBase = Date.parse(`${m[1]}T${hms.slice(0, 8)}${m[3]}:${m[4]}`);
      }
      if (Number.isFinite(lastBase)) return lastBase + fractionMs(hms);
    }
    if (format !== 'qemu') return null;
    const iso = ISO_HEAD.exec(line);
    const t = iso ? Date.parse(iso[1] ?? '') : Number.NaN;
    return Number.isFinite(t) ? t : null;
  };
}

/** `hh:mm:ss.fff…` → the milliseconds, as Date.parse reads them (the first three digits). */
function fractionMs(hms: string): number {
  if (hms.length <= 9) return 0;
  let ms = 0;
  for (let i = 9; i < 12; i++) ms = ms * 10 + (i < hms.length ? hms.charCodeAt(i) - 0x30 : 0);
  return ms;
}

/**
 * Whether the line below `above` (a line that is no head) belongs to `above`'s entry: in
 * libvirtd's log every such line does; in a QEMU log only the lines of the command line libvirt
 * ran, which it continues shell-style with a trailing backslash. QEMU's own stderr lines without
 * a timestamp stay entries of their own.
 */
export function continues(format: FileFormat, above: string): boolean {
  if (format === 'libvirtd') return true;
  return format === 'qemu' && above.endsWith('\\');
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

function parseIsoLine(line: string): ParsedLine | null {
  const m = ISO_LINE.exec(line);
  if (!m) return null;
  const tsMs = Date.parse(m[1] ?? '');
  if (!Number.isFinite(tsMs)) return null;
  const message = m[2] ?? '';
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
const PINO_INFO = 30;

/**
 * The access log's line for each API request (`shared/src/server/http/access-log.ts`: msg
 * `request` with method, path and status; a failed one is `request failed` at error). A busy UI
 * makes one a second: they are routine, so they rank as debug and stay out of a view that starts
 * at info.
 */
const isAccessLine = (rec: Record<string, unknown>): boolean =>
  rec.msg === 'request' && typeof rec.method === 'string' && typeof rec.status === 'number';

function parsePino(line: string): ParsedLine {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return { kind: 'skip' };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'skip' };
  const rec = o as Record<string, unknown>;
  // the level pino wrote first; a field named `level` logged after it is data
  const lead = pinoLevelAt(line, 0, line.length);
  const level = lead >= 0 ? lead : rec.level;
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
  const shown = level === PINO_INFO && isAccessLine(rec) ? 'debug' : pinoLevel(level);
  const out: ParsedLine = { kind: 'entry', tsMs, level: shown, message: cap(`${msg}${tail}`) };
  if (typeof rec.pid === 'number') out.pid = rec.pid;
  if (typeof rec.hostname === 'string') out.hostname = rec.hostname;
  return out;
}

/** An error's type and message; its stack stays in the file. */
function errSummary(err: Record<string, unknown>): string {
  const type = typeof err.type === 'string' ? `${err.type}: ` : '';
  return `${type}${typeof err.message === 'string' ? err.message : ''}`;
}

const LEVEL_PREFIX = '{"level":';

/**
 * A pino line's numeric level read from its first characters (`text.slice(a, b)`), without
 * parsing the line: pino writes `{"level":30,` first. -1 when the line does not start so. This is
 * the level `parseLine` gives the line (a `level` in the fields logged after it does not count),
 * or lower (the access-log rule), so a line whose level here is below a filter's cannot match it.
 */
export function pinoLevelAt(text: string, a: number, b: number): number {
  if (b - a <= LEVEL_PREFIX.length || !text.startsWith(LEVEL_PREFIX, a)) return -1;
  let n = 0;
  let i = a + LEVEL_PREFIX.length;
  const digits = i;
  for (; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return i === digits || text.charCodeAt(i) !== 0x2c /* , */ ? -1 : n;
}

/**
 * A pattern for a block of pino lines: each match ends where a line starts that does not begin
 * with a level below `min` (pino's number) — the only lines that can be at `min` or above. The
 * block's first line is not found by it.
 */
export function pinoLinesFrom(min: number): RegExp | undefined {
  if (min <= 0) return undefined;
  // the numbers below min, as JSON writes them: 0-9, then 10-19, 20-29, … up to min - 1
  const tens = Math.min(Math.ceil(min / 10), 10);
  const low = [min >= 10 ? '[0-9]' : `[0-${min - 1}]`];
  for (let t = 1; t < tens; t++) {
    const top = Math.min(9, min - 1 - t * 10);
    if (top >= 0) low.push(`${t}[0-${top}]`);
  }
  if (min > 99) return undefined; // not worth it: every usual level is below
  return new RegExp(`\\n(?!\\{"level":(?:${low.join('|')}),)`, 'g');
}

/** A pino line's time without parsing the line (for stopping at `since`); NaN when it cannot tell. */
export function pinoTimeAhead(line: string): number {
  const at = line.indexOf('"time":');
  if (at < 0 || line.includes('"time":', at + 7)) return Number.NaN;
  const from = at + 7;
  if (line.charCodeAt(from) === 0x22 /* " */) {
    const to = line.indexOf('"', from + 1);
    return to < 0 ? Number.NaN : Date.parse(line.slice(from + 1, to));
  }
  return Number.parseFloat(line.slice(from, from + 20));
}

/** The lines of one entry, as grouped by file-assemble.ts. */
export interface LineGroup {
  /** top first: the head (when the entry has one) and the lines that continue it */
  lines: readonly string[];
  /** lines were left out at the end: the message is cut */
  cut: boolean;
}

/**
 * One entry from its lines. A group whose first line has a timestamp is dated by it; any other
 * takes `prev`, the time and level of the entry before it (libvirtd's continuation lines keep
 * that level; QEMU's lines are judged by their words). null for a pino line that is no record.
 */
export function entryOfGroup(
  format: FileFormat,
  group: LineGroup,
  offset: number,
  prev: { tsMs: number; level: LogLevel | null },
): RawFileEntry | null {
  const [first = '', ...rest] = group.lines;
  const p = parseLine(format, first);
  if (p.kind === 'skip') return null;
  const joined = rest.length > 0 ? `${p.message}\n${rest.join('\n')}` : p.message;
  const capped = cap(joined);
  const message = group.cut && !capped.endsWith('…') ? `${capped}…` : capped;
  if (p.kind === 'continuation') {
    return { tsMs: prev.tsMs, level: p.level ?? prev.level ?? 'info', message, offset };
  }
  const e: RawFileEntry = { tsMs: p.tsMs, level: p.level, message, offset };
  if (p.pid !== undefined) e.pid = p.pid;
  if (p.hostname !== undefined) e.hostname = p.hostname;
  return e;
}
