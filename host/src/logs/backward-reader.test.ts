import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BUDGET_SPENT, createBackwardReader } from './backward-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-backward-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(
  text: string | Buffer,
  opts: { chunkSize?: number; maxLineBytes?: number; end?: number; budget?: number } = {},
): Promise<Array<[string, number]> | 'budget'> {
  const path = join(dir, 'f.log');
  writeFileSync(path, text);
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const r = createBackwardReader(fh, opts.end ?? size, {
      chunkSize: opts.chunkSize ?? 4,
      maxLineBytes: opts.maxLineBytes ?? 1024,
      budget: { remaining: opts.budget ?? Number.POSITIVE_INFINITY },
    });
    const out: Array<[string, number]> = [];
    for (;;) {
      const l = await r.next();
      if (l === BUDGET_SPENT) return 'budget';
      if (l === null) return out;
      out.push([l.line, l.offset]);
      assert.equal(r.position(), l.offset);
    }
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
    assert.ok((out[1]?.[0].length ?? 0) <= 64 + 100 + 1 && out[1]?.[0].endsWith('…'));
    assert.deepEqual(out[2], ['first', 0]);
  });

  it('stops when the budget is spent', async () => {
    assert.equal(await readAll('a\nb\nc\nd\n', { chunkSize: 2, budget: 2 }), 'budget');
  });
});
