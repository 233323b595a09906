import type { FileHandle } from 'node:fs/promises';

/** Bytes a query may still read, shared by every file it reads. */
export interface ScanBudget {
  remaining: number;
}

export const BUDGET_SPENT = Symbol('budget spent');

export interface BackwardLine {
  line: string;
  /** byte offset where the line starts */
  offset: number;
}

export interface BackwardReader {
  /** the next older line, null at the start of the file, BUDGET_SPENT when the budget ran out */
  next(): Promise<BackwardLine | null | typeof BUDGET_SPENT>;
  /** where the last line returned starts (everything from here on has been read) */
  position(): number;
}

const NL = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Reads the lines of `[0, end)` newest first, `chunkSize` bytes at a time from the end, so a
 * 1 GB log costs only what a page needs. An unterminated last line (still being written) is left
 * out: a line is there once its newline is. A line longer than `maxLineBytes` is cut.
 */
export function createBackwardReader(
  fh: FileHandle,
  end: number,
  opts: { chunkSize: number; maxLineBytes: number; budget: ScanBudget },
): BackwardReader {
  let start = end; // file offset of buf[0]
  let buf: Buffer = EMPTY; // bytes [start, start + buf.length)
  let regionEnd = end;
  let truncated = false; // buf was cut: its last line has lost its end (and its newline)
  let partial = false; // buf ends in the unterminated last line of the file
  let checkedTail = false;

  async function fill(): Promise<boolean> {
    if (opts.budget.remaining <= 0) return false;
    const n = Math.min(opts.chunkSize, start);
    const chunk = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(chunk, got, n - got, start - n + got);
      if (bytesRead === 0) throw new Error('the file shrank while it was read');
      got += bytesRead;
    }
    opts.budget.remaining -= n;
    start -= n;
    let joined = buf.length > 0 ? Buffer.concat([chunk, buf]) : chunk;
    // only one (overlong) line can be this big: keep its head, the chunk stays whole
    const keep = opts.chunkSize + opts.maxLineBytes;
    if (joined.length > keep) {
      joined = Buffer.from(joined.subarray(0, keep));
      truncated = true;
    }
    buf = joined;
    return true;
  }

  return {
    position: () => regionEnd,
    async next() {
      if (!checkedTail) {
        if (start > 0 && buf.length === 0 && !(await fill())) return BUDGET_SPENT;
        checkedTail = true;
        partial = buf.length > 0 && buf[buf.length - 1] !== NL;
      }
      for (;;) {
        if (buf.length === 0 && start === 0) return null;
        const open = truncated || partial; // the current line has no newline in buf
        const searchFrom = open ? buf.length - 1 : buf.length - 2;
        const i = searchFrom >= 0 ? buf.lastIndexOf(NL, searchFrom) : -1;
        if (i < 0 && start > 0) {
          if (!(await fill())) return BUDGET_SPENT;
          continue;
        }
        const from = i + 1;
        const to = open ? buf.length : buf.length - 1;
        const line = buf.toString('utf8', from, to);
        const offset = start + from;
        buf = buf.subarray(0, from);
        regionEnd = offset;
        const cut = truncated;
        truncated = false;
        if (partial) {
          partial = false;
          continue;
        }
        return { line: cut ? `${line}…` : line, offset };
      }
    },
  };
}
