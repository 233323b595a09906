import type { LogLevel } from '@quantix/shared';
import {
  continues,
  createHeadTime,
  entryOfGroup,
  type FileFormat,
  isBlank,
  type LineGroup,
  MAX_MESSAGE_CHARS,
  type RawFileEntry,
} from './file-parse.ts';

/**
 * Lines → entries, in both directions: forward for following a file, backward (newest first)
 * for reading pages. A line with a timestamp starts an entry; the lines below it that `continues`
 * allows join it; any other line is an entry of its own dated by the entry above it. Both give
 * the same entries (the tests read every fixture both ways).
 */

/** Most lines held while looking (backwards) for the line that dates them. */
export const MAX_PENDING_LINES = 4096;

/**
 * A look at an entry before it is parsed: false drops it unparsed (it cannot match the filter).
 * `lines` are its lines (in no particular order), `mask` the OR of the masks they were pushed
 * with, `tsMs` its time when that is known without parsing (libvirt formats), else null.
 */
export type KeepGroup = (lines: readonly string[], mask: number, tsMs: number | null) => boolean;

const NONE: readonly RawFileEntry[] = Object.freeze([]);
const keepAll: KeepGroup = () => true;
const unknownPrev = { tsMs: 0, level: null };

/**
 * The lines of an entry as they come, with what the message needs: the first lines up to the
 * point where they are longer than a message may be (the rest is left out and `cut` says so).
 */
interface Lines {
  /** kept lines, in the order they were added */
  list: string[];
  /** the kept lines joined with newlines: their length */
  chars: number;
  cut: boolean;
}

const linesOf = (line: string): Lines => ({ list: [line], chars: line.length, cut: false });

export function createBackwardAssembler(
  format: FileFormat,
  newerTs: () => number,
  keep: KeepGroup = keepAll,
) {
  /** one per entry still waiting for the line that dates it, bottom (newest) first */
  interface Pending {
    /** bottom line first: the top grows at the end */
    lines: Lines;
    offset: number;
    mask: number;
  }
  let pending: Pending[] = [];
  let pendingLines = 0;
  let below: number | null = null;
  const one = ['']; // a pino line for `keep`, without an array per line
  const headTime = createHeadTime();

  /** a new top line: once the lines are longer than a message, the bottom ones are let go */
  const addTop = (g: Pending, line: string, offset: number, mask: number) => {
    const l = g.lines;
    l.list.push(line);
    l.chars += line.length + 1;
    let from = 0;
    while (l.list.length - from > 1 && l.chars - (l.list[from] as string).length - 1 > MAX_MESSAGE_CHARS) {
      l.chars -= (l.list[from] as string).length + 1;
      from++;
    }
    if (from > 0) {
      l.list.splice(0, from);
      l.cut = true;
    }
    g.offset = offset;
    g.mask |= mask;
  };

  const emit = (
    g: Pending,
    prev: { tsMs: number; level: LogLevel | null },
    tsMs: number | null,
    out: RawFileEntry[],
  ) => {
    if (!keep(g.lines.list, g.mask, tsMs)) return;
    const group: LineGroup = { lines: g.lines.list.reverse(), cut: g.lines.cut };
    const e = entryOfGroup(format, group, g.offset, prev);
    if (e) out.push(e);
  };

  /** `headTs`: the time of the line just pushed, which tops the last pending entry; null: none */
  const flush = (headTs: number | null): readonly RawFileEntry[] => {
    if (pending.length === 0) return NONE;
    const groups = pending;
    pending = [];
    pendingLines = 0;
    const out: RawFileEntry[] = [];
    const tsMs = headTs ?? below ?? newerTs();
    const prev = { tsMs, level: null };
    const plain = headTs === null ? groups.length : groups.length - 1;
    for (let i = 0; i < plain; i++) emit(groups[i] as Pending, prev, tsMs, out);
    if (headTs !== null) {
      emit(groups[plain] as Pending, prev, headTs, out);
      below = headTs;
    }
    return out;
  };

  return {
    /** the next older line; `mask` is passed on to `keep` */
    push(line: string, offset: number, mask = 0): readonly RawFileEntry[] {
      if (isBlank(line)) return NONE;
      if (format === 'pino') {
        one[0] = line;
        if (!keep(one, mask, null)) return NONE;
        const e = entryOfGroup(format, { lines: [line], cut: false }, offset, unknownPrev);
        return e ? [e] : NONE;
      }
      const ts = headTime(format, line);
      const top = pending[pending.length - 1];
      if (top && continues(format, line)) addTop(top, line, offset, mask);
      else pending.push({ lines: linesOf(line), offset, mask });
      pendingLines++;
      if (ts !== null) return flush(ts);
      return pendingLines > MAX_PENDING_LINES ? flush(null) : NONE;
    },
    /** the start of the file: what is still pending gets a time anyway */
    end: (): readonly RawFileEntry[] => flush(null),
    hasPending: (): boolean => pending.length > 0,
  };
}

/**
 * Lines in file order → entries. An entry is given out once it is known to be whole: a pino
 * line at once, a QEMU line unless it ends in a backslash, a libvirtd entry when the next one
 * starts or at `flush` (call it when the data there is has been read: libvirt writes a message
 * with one write). Before the first timestamped line, continuation lines take `fallbackTs`.
 */
export function createForwardAssembler(format: FileFormat, fallbackTs: () => number) {
  let current: { lines: Lines; last: string; offset: number; head: boolean } | null = null;
  let prev: { tsMs: number; level: LogLevel } | null = null;
  const headTime = createHeadTime();

  const emit = (out: RawFileEntry[]) => {
    const g = current;
    current = null;
    if (!g) return;
    const group: LineGroup = { lines: g.lines.list, cut: g.lines.cut };
    const e = entryOfGroup(format, group, g.offset, prev ?? { tsMs: fallbackTs(), level: null });
    if (!e) return;
    if (g.head) prev = { tsMs: e.tsMs, level: e.level };
    out.push(e);
  };

  return {
    push(line: string, offset: number): readonly RawFileEntry[] {
      if (isBlank(line)) return NONE;
      const out: RawFileEntry[] = [];
      if (format === 'pino') {
        current = { lines: linesOf(line), last: line, offset, head: true };
        emit(out);
        return out;
      }
      const head = headTime(format, line) !== null;
      if (current && !head && continues(format, current.last)) {
        const l = current.lines;
        if (l.chars <= MAX_MESSAGE_CHARS) {
          l.list.push(line);
          l.chars += line.length + 1;
        } else l.cut = true;
        current.last = line;
      } else {
        emit(out);
        current = { lines: linesOf(line), last: line, offset, head };
      }
      if (format === 'qemu' && !line.endsWith('\\')) emit(out);
      return out.length > 0 ? out : NONE;
    },
    /** gives out the entry still open (libvirtd's) */
    flush(): readonly RawFileEntry[] {
      const out: RawFileEntry[] = [];
      emit(out);
      return out.length > 0 ? out : NONE;
    },
  };
}
