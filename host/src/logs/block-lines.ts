import { isAscii } from 'node:buffer';
import type { LineBlock } from './backward-reader.ts';

export interface BlockLines {
  /**
   * Moves to the line before the current one (the block's last line first); false at the
   * block's start. `candidatesOnly`: to the line before it whose mask is full, passing over the
   * others without decoding them.
   */
  prev(candidatesOnly?: boolean): boolean;
  /** the current line, decoded (and cut with `…` when it is too long) */
  text(): string;
  /** file offset where the current line starts */
  readonly offset: number;
  /** ANCHOR: the current line holds the anchor (compared in lower case); LINE_OK: `mayMatch` holds */
  readonly mask: number;
}

export const ANCHOR = 1;
export const LINE_OK = 2;

/** The mask of a line that may match. */
export const fullMask = (anchor: string | undefined): number => (anchor ? ANCHOR : 0) | LINE_OK;

/**
 * A cheap look at a line, `text.slice(a, b)` (the whole block's text, or the line's own): false
 * when it cannot match.
 */
export type MayMatch = (text: string, a: number, b: number) => boolean;

export interface BlockLinesOptions {
  /** a lower-case text that a line must hold to be a candidate */
  anchor?: string | undefined;
  mayMatch?: MayMatch | undefined;
  /**
   * Without an anchor: a global pattern whose every match ends where a line starts that may
   * pass `mayMatch` (the lines it does not find cannot); the block's first line is always looked at
   */
  lineFinder?: RegExp | undefined;
  maxLineBytes: number;
}

const NL = 0x0a;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Walks a block's lines from the last to the first, telling for each whether it holds the anchor
 * text and passes `mayMatch`. Lines are found in the bytes and decoded only when asked for. In an
 * ASCII block (nearly every log) the anchor is searched for once over the whole block, so passing
 * over the lines that cannot match costs next to nothing; other blocks are matched line by line.
 * A line longer than `maxLineBytes` is cut, and so is the block's last line when the reader cut it.
 */
export function createBlockLines(block: LineBlock, opts: BlockLinesOptions): BlockLines {
  const { buf, start, cutLast } = block;
  const { anchor, maxLineBytes, mayMatch } = opts;
  const full = fullMask(anchor);
  const ascii = isAscii(buf);
  // an ASCII block is decoded once when its lines are to be looked at (each byte a character)
  const str = ascii && (anchor || mayMatch) ? buf.toString('latin1') : null;
  // ASCII blocks: where the anchor occurs (at most once a line), or where the lines the line
  // finder finds start; ascending. Lines are jumped to by them.
  const hits: number[] = [];
  const hitLen = anchor ? anchor.length : 0;
  const jumps = str !== null && (anchor !== undefined || opts.lineFinder !== undefined);
  if (str !== null && anchor) {
    const re = new RegExp(escapeRegExp(anchor), 'gi');
    for (let m = re.exec(str); m !== null; m = re.exec(str)) {
      hits.push(m.index);
      const nl = str.indexOf('\n', m.index);
      if (nl < 0) break;
      re.lastIndex = nl + 1;
    }
  } else if (str !== null && opts.lineFinder) {
    const re = new RegExp(opts.lineFinder.source, 'g');
    hits.push(0);
    for (let m = re.exec(str); m !== null; m = re.exec(str)) hits.push(m.index + m[0].length);
  }
  let next = hits.length - 1;
  let a = buf.length; // the current line is [a, b)
  let b = buf.length;
  let text: string | null = null;

  /** moves the hit pointer to the last hit at or before `latest`; whether that lies in the line */
  const anchorIn = (latest: number): boolean => {
    while (next >= 0 && (hits[next] as number) > latest) next--;
    return next >= 0 && (hits[next] as number) >= a;
  };

  const maskOf = (): number => {
    let mask = 0;
    if (
      mayMatch === undefined ||
      (str !== null ? mayMatch(str, a, b) : mayMatch(self.text(), 0, self.text().length))
    )
      mask = LINE_OK;
    if (!anchor) return mask;
    const holds = str !== null ? anchorIn(b - anchor.length) : self.text().toLowerCase().includes(anchor);
    return holds ? mask | ANCHOR : mask;
  };

  const lineAt = (end: number) => {
    b = end;
    a = end === 0 ? 0 : buf.lastIndexOf(NL, end - 1) + 1;
    text = null;
    self.offset = start + a;
  };

  const self = {
    offset: 0,
    mask: 0,
    text(): string {
      if (text === null) {
        const tooLong = b - a > maxLineBytes;
        const to = tooLong ? a + maxLineBytes : b;
        text = str !== null ? str.slice(a, to) : buf.toString(ascii ? 'latin1' : 'utf8', a, to);
        if (tooLong || (cutLast && b === buf.length)) text += '…';
      }
      return text;
    },
    prev(candidatesOnly = false): boolean {
      for (;;) {
        if (a === 0) return false;
        const end = a === buf.length ? (cutLast ? buf.length : buf.length - 1) : a - 1;
        if (candidatesOnly && jumps) {
          // straight to the last occurrence of the anchor before here (or found line), and its line
          while (next >= 0 && (hits[next] as number) > end - hitLen) next--;
          if (next < 0) {
            a = 0;
            self.offset = start;
            return false;
          }
          const nl = buf.indexOf(NL, hits[next] as number);
          lineAt(nl < 0 || nl > end ? end : nl);
        } else lineAt(end);
        self.mask = maskOf();
        if (!candidatesOnly || self.mask === full) return true;
      }
    },
  };
  return self;
}
