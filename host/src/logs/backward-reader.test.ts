import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BUDGET_SPENT, createBackwardReader } from './backward-reader.ts';
import { ANCHOR, createBlockLines, LINE_OK, type MayMatch } from './block-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-backward-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every line newest first with its offset (and mask), read in blocks and walked line by line. */
async function readAll(
  text: string | Buffer,
  opts: {
    chunkSize?: number;
    maxChunkSize?: number;
    maxLineBytes?: number;
    end?: number;
    budget?: number;
    anchor?: string;
    candidatesOnly?: boolean;
    mayMatch?: MayMatch;
  } = {},
): Promise<Array<[string, number]> | 'budget'> {
  const withMasks = await readWithMasks(text, opts);
  return withMasks === 'budget' ? withMasks : withMasks.map(([l, o]) => [l, o]);
}

async function readWithMasks(
  text: string | Buffer,
  opts: Parameters<typeof readAll>[1] = {},
): Promise<Array<[string, number, number]> | 'budget'> {
  const path = join(dir, 'f.log');
  writeFileSync(path, text);
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const r = createBackwardReader(fh, opts.end ?? size, {
      chunkSize: opts.chunkSize ?? 4,
      maxChunkSize: opts.maxChunkSize ?? opts.chunkSize ?? 4,
      maxLineBytes: opts.maxLineBytes ?? 1024,
      budget: { remaining: opts.budget ?? Number.POSITIVE_INFINITY },
    });
    const out: Array<[string, number, number]> = [];
    for (let blocks = 0; blocks < 100_000; blocks++) {
      const b = await r.next();
      if (b === BUDGET_SPENT) return 'budget';
      if (b === null) return out;
      assert.ok(b.buf.length > 0, 'no empty blocks');
      const lines = createBlockLines(b, {
        anchor: opts.anchor,
        maxLineBytes: opts.maxLineBytes ?? 1024,
        mayMatch: opts.mayMatch,
      });
      while (lines.prev(opts.candidatesOnly)) {
        // 1: the anchor is in it; a line `mayMatch` turns away is marked
        if (!(lines.mask & LINE_OK)) out.push([`not ok: ${lines.text()}`, lines.offset, 0]);
        else out.push([lines.text(), lines.offset, lines.mask & ANCHOR]);
      }
    }
    assert.fail('too many blocks');
  } finally {
    await fh.close();
  }
}

describe('backward line reader', () => {
  it('returns lines newest first with their offsets, across tiny chunks', async () => {
    assert.deepEqual(await readAll('one\ntwo\n\nthree\n'), [
      ['three', 9],
      ['', 8],
      ['two', 4],
      ['one', 0],
    ]);
  });

  it('leaves out an unterminated last line, and reads from a given end', async () => {
    assert.deepEqual(await readAll('a\nb\nhalf-writ'), [
      ['b', 2],
      ['a', 0],
    ]);
    assert.deepEqual(await readAll('a\nb\nc\n', { end: 4 }), [
      ['b', 2],
      ['a', 0],
    ]);
    assert.deepEqual(await readAll('', {}), []);
    assert.deepEqual(await readAll('no newline at all'), []);
  });

  it('keeps multi-byte characters whole even when a chunk splits them', async () => {
    assert.deepEqual(await readAll('äöü\n€uro\n', { chunkSize: 3 }), [
      ['€uro', 7],
      ['äöü', 0],
    ]);
  });

  it('cuts an overlong line and still finds the lines before it', async () => {
    const long = 'x'.repeat(5000);
    const out = await readAll(`first\n${long}\nlast\n`, { chunkSize: 64, maxLineBytes: 100 });
    assert.ok(Array.isArray(out));
    assert.equal(out.length, 3);
    assert.deepEqual(out[0], ['last', 5007]);
    assert.equal(out[1]?.[1], 6);
    assert.equal(out[1]?.[0], `${'x'.repeat(100)}…`);
    assert.deepEqual(out[2], ['first', 0]);
  });

  it('cuts an overlong last line of a block the same way', async () => {
    const long = 'y'.repeat(700);
    for (const chunkSize of [16, 64, 1024]) {
      const out = await readAll(`first\n${long}\nlast\n`, { chunkSize, maxLineBytes: 100 });
      assert.deepEqual(
        out,
        [
          ['last', 707],
          [`${'y'.repeat(100)}…`, 6],
          ['first', 0],
        ],
        `chunk ${chunkSize}`,
      );
    }
  });

  it('reads bigger as it goes, with the same lines as tiny reads', async () => {
    const text = `${Array.from({ length: 500 }, (_, i) => `line ${i} ${'z'.repeat(i % 37)}`).join('\n')}\n`;
    const tiny = await readAll(text, { chunkSize: 3, maxChunkSize: 3 });
    const growing = await readAll(text, { chunkSize: 3, maxChunkSize: 4096 });
    assert.ok(Array.isArray(tiny) && tiny.length === 500);
    assert.deepEqual(growing, tiny);
  });

  it('tells which lines hold the anchor, ASCII or not, in any case', async () => {
    const text = 'Alpha beta\nnothing\nBETA gamma ünï\nalphaBETA\n';
    for (const chunkSize of [5, 4096]) {
      const out = await readWithMasks(text, { chunkSize, anchor: 'beta' });
      assert.deepEqual(
        out,
        [
          ['alphaBETA', 36, 1],
          ['BETA gamma ünï', 19, 1],
          ['nothing', 11, 0],
          ['Alpha beta', 0, 1],
        ],
        `chunk ${chunkSize}`,
      );
    }
    const uni = await readWithMasks('ÜNÏCODE x\nplain\n', { chunkSize: 4096, anchor: 'ünïcode' });
    assert.deepEqual(uni, [
      ['plain', 12, 0],
      ['ÜNÏCODE x', 0, 1],
    ]);
  });

  it('passes over the lines that cannot match, by anchor and by a look at them', async () => {
    const rows = Array.from(
      { length: 300 },
      (_, i) =>
        `${i % 7 === 0 ? 'E' : 'I'} line ${i}${i % 50 === 0 ? ' RARE' : ''}${i % 3 === 0 ? ' rare' : ''}`,
    );
    const text = `${rows.join('\n')}\n`;
    const offsetOf = (i: number) => rows.slice(0, i).join('\n').length + (i > 0 ? 1 : 0);
    const errorsOnly: MayMatch = (t, a) => t[a] === 'E';
    const want = (pick: (i: number) => boolean) =>
      rows.flatMap((r, i) => (pick(i) ? [[r, offsetOf(i)]] : [])).reverse();
    for (const chunkSize of [7, 64, 1 << 20]) {
      const rare = await readAll(text, { chunkSize, anchor: 'rare', candidatesOnly: true });
      assert.deepEqual(
        rare,
        want((i) => i % 50 === 0 || i % 3 === 0),
        `chunk ${chunkSize}`,
      );
      const errors = await readAll(text, {
        chunkSize,
        anchor: 'rare',
        candidatesOnly: true,
        mayMatch: errorsOnly,
      });
      assert.deepEqual(
        errors,
        want((i) => i % 7 === 0 && (i % 50 === 0 || i % 3 === 0)),
        `chunk ${chunkSize}`,
      );
      const all = await readWithMasks(text, { chunkSize, mayMatch: errorsOnly });
      assert.ok(Array.isArray(all) && all.length === 300, 'without candidatesOnly every line comes');
      assert.equal(all.filter(([l]) => !l.startsWith('not ok')).length, 43);
    }
    // not ASCII: the same, line by line
    const uni = `${text}ünï RARE line\n`;
    const got = await readAll(uni, { chunkSize: 1 << 20, anchor: 'ünï', candidatesOnly: true });
    assert.deepEqual(got, [['ünï RARE line', Buffer.byteLength(text)]]);
  });

  it('stops when the budget is spent', async () => {
    assert.equal(await readAll('a\nb\nc\nd\n', { chunkSize: 2, budget: 2 }), 'budget');
  });
});
