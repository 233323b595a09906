import type { FileHandle } from 'node:fs/promises';

/** Bytes a query may still read, shared by every file it reads. */
export interface ScanBudget {
  remaining: number;
}

export const BUDGET_SPENT = Symbol('budget spent');

/** Whole lines read from a file: `buf` holds bytes `[start, start + buf.length)`. */
export interface LineBlock {
  buf: Buffer;
  start: number;
  /** the last line was longer than the line limit: `buf` has only its start (and no newline) */
  cutLast: boolean;
}

export interface BackwardReader {
  /** the next older block, null at the start of the file, BUDGET_SPENT when the budget ran out */
  next(): Promise<LineBlock | null | typeof BUDGET_SPENT>;
}

export interface BackwardReaderOptions {
  /** the first read; each next one is twice as big, up to `maxChunkSize` */
  chunkSize: number;
  maxChunkSize: number;
  maxLineBytes: number;
  budget: ScanBudget;
  /** whether the reader may stop for the budget now (default: always) */
  mayStop?: () => boolean;
}

const NL = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * Reads `[0, end)` backwards in blocks of whole lines. The first read is small, so a page of the
 * newest lines costs little; the reads then grow, so a scan through a big file costs few calls.
 * An unterminated last line (still being written) is left out: a line is there once its newline
 * is. Of a line longer than `maxLineBytes` only its start is kept. A block's bytes are valid until
 * the next call: the reader reads the next block into the same memory.
 */
export function createBackwardReader(
  fh: FileHandle,
  end: number,
  opts: BackwardReaderOptions,
): BackwardReader {
  let pos = end; // bytes [pos, end) have been read
  let chunk = Math.max(1, opts.chunkSize);
  const maxChunk = Math.max(opts.maxChunkSize, opts.chunkSize);
  let work = EMPTY;
  // work[0, carry): the end part of a line whose start lies before `pos`, with its newline
  let carry = 0;
  let carryCut = false;
  let tailChecked = false; // the bytes after the last newline (an unterminated line) are dropped

  /** reads the `n` bytes before `pos` into work[0, n), with the carry moved to follow them */
  async function read(): Promise<number | null> {
    if (opts.budget.remaining <= 0 && (opts.mayStop?.() ?? true)) return null;
    const n = Math.min(chunk, pos);
    chunk = Math.min(chunk * 2, maxChunk);
    if (work.length < n + carry) {
      const bigger = Buffer.allocUnsafe(Math.max(n + carry, Math.min(2 * work.length, 2 * maxChunk)));
      work.copy(bigger, n, 0, carry);
      work = bigger;
    } else if (carry > 0) work.copyWithin(n, 0, carry);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(work, got, n - got, pos - n + got);
      if (bytesRead === 0) throw new Error('the file shrank while it was read');
      got += bytesRead;
    }
    opts.budget.remaining -= n;
    pos -= n;
    return n;
  }

  return {
    async next() {
      while (pos > 0) {
        const n = await read();
        if (n === null) return BUDGET_SPENT;
        let bytes = n; // work[0, bytes) is what was just read; the carry follows
        if (!tailChecked) {
          const last = work.lastIndexOf(NL, bytes - 1);
          if (last < 0) continue; // all of it belongs to the unterminated line
          tailChecked = true;
          bytes = last + 1;
        }
        const first = pos === 0 ? -1 : work.indexOf(NL);
        if (pos > 0 && (first < 0 || first >= bytes)) {
          // no line starts in these bytes: they are the middle of a line
          carry += bytes;
          if (carry > opts.maxLineBytes) {
            carry = opts.maxLineBytes;
            carryCut = true;
          }
          continue;
        }
        const from = first + 1;
        const block: LineBlock = {
          buf: work.subarray(from, bytes + carry),
          start: pos + from,
          cutLast: carryCut,
        };
        carry = from;
        carryCut = false;
        if (block.buf.length > 0) return block;
      }
      return null;
    },
  };
}
