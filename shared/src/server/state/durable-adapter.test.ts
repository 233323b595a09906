import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { z } from 'zod';
import { DurableJsonAdapter } from './durable-adapter.ts';
import { tempRoot } from './temp-root.test-helper.ts';

const Doc = z.object({ n: z.number().int(), items: z.array(z.number()) });
type Doc = z.infer<typeof Doc>;

const root = tempRoot('qx-durable-adapter-');

async function setup() {
  const dir = await root.fresh();
  const file = join(dir, 'doc.json');
  const recovered: Array<{ file: string; reason: string }> = [];
  const adapter = new DurableJsonAdapter<Doc>({ file, schema: Doc, onRecovered: (i) => recovered.push(i) });
  return { dir, file, adapter, recovered };
}

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

describe('DurableJsonAdapter.read', () => {
  it('returns null when neither the file nor a .bak exists', async () => {
    const { adapter, recovered } = await setup();
    assert.equal(await adapter.read(), null);
    assert.equal(recovered.length, 0);
  });

  it('reads back what it wrote', async () => {
    const { adapter, file } = await setup();
    await adapter.write({ n: 7, items: [1, 2] });
    assert.deepEqual(await adapter.read(), { n: 7, items: [1, 2] });
    assert.deepEqual(await readJson(file), { n: 7, items: [1, 2] });
  });

  for (const [label, corrupt, reason] of [
    ['invalid JSON', '{"n": 3, "items": [', /invalid JSON/],
    ['JSON that fails the schema', '{"n": "three", "items": []}\n', /schema mismatch/],
    ['an empty file', '', /invalid JSON/],
  ] as const) {
    it(`recovers from .bak when the main file holds ${label}, keeping the broken file`, async () => {
      const { adapter, dir, file, recovered } = await setup();
      await adapter.write({ n: 1, items: [1] });
      await adapter.write({ n: 2, items: [1, 2] });
      await writeFile(file, corrupt);

      // the .bak holds the last acknowledged write, not the one before it
      assert.deepEqual(await adapter.read(), { n: 2, items: [1, 2] });
      assert.equal(recovered.length, 1);
      assert.equal(recovered[0]?.file, file);
      assert.match(recovered[0]?.reason ?? '', reason);
      // The backup is put back as the main file, the broken one is kept for inspection.
      assert.deepEqual(await readJson(file), { n: 2, items: [1, 2] });
      const kept = (await readdir(dir)).filter((f) => /^doc\.json\.corrupt-\d+$/.test(f));
      assert.equal(kept.length, 1);
      assert.equal(await readFile(join(dir, kept[0] ?? ''), 'utf8'), corrupt);
    });
  }

  it('restores a missing main file from .bak', async () => {
    const { adapter, file, recovered } = await setup();
    await adapter.write({ n: 1, items: [] });
    await adapter.write({ n: 2, items: [] });
    await unlink(file);
    assert.deepEqual(await adapter.read(), { n: 2, items: [] });
    assert.deepEqual(recovered, [{ file, reason: 'main file missing' }]);
    assert.deepEqual(await readJson(file), { n: 2, items: [] });
  });

  it('throws STATE_CORRUPT when the main file is missing and its .bak is corrupt (never a fresh start)', async () => {
    const { adapter, file } = await setup();
    await adapter.write({ n: 1, items: [] });
    await adapter.write({ n: 2, items: [] });
    await unlink(file);
    await writeFile(`${file}.bak`, '{"n":');
    await assert.rejects(adapter.read(), { code: 'STATE_CORRUPT' });
  });

  it('throws STATE_CORRUPT when the main file and its .bak are both corrupt', async () => {
    const { adapter, file, recovered } = await setup();
    await adapter.write({ n: 1, items: [] });
    await adapter.write({ n: 2, items: [] });
    await writeFile(file, 'garbage');
    await writeFile(`${file}.bak`, '{"n": null}');
    await assert.rejects(adapter.read(), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'STATE_CORRUPT');
      assert.match(err.message, /invalid JSON.*schema mismatch/);
      return true;
    });
    assert.equal(recovered.length, 0);
    // Nothing is touched, so a human can still look at both.
    assert.equal(await readFile(file, 'utf8'), 'garbage');
  });

  it('throws STATE_CORRUPT when the main file is corrupt and there is no .bak', async () => {
    const { adapter, file } = await setup();
    await writeFile(file, '{');
    await assert.rejects(adapter.read(), { name: 'AppError', code: 'STATE_CORRUPT' });
  });
});

describe('DurableJsonAdapter.write', () => {
  it('coalesces writes issued together into one write that holds the latest data, in the file and its .bak', async () => {
    const { adapter, file } = await setup();
    await adapter.write({ n: 0, items: [] });
    await Promise.all(Array.from({ length: 20 }, (_, i) => adapter.write({ n: i + 1, items: [i] })));
    assert.deepEqual(await readJson(file), { n: 20, items: [19] });
    assert.deepEqual(await readJson(`${file}.bak`), { n: 20, items: [19] });
  });

  it('resolves each write only once data at least as new as its own is on disk', async () => {
    const { adapter, file } = await setup();
    const pending: Array<Promise<void>> = [];
    for (let i = 1; i <= 30; i++) {
      pending.push(
        adapter.write({ n: i, items: [] }).then(async () => {
          const onDisk = Doc.parse(await readJson(file));
          assert.ok(onDisk.n >= i, `write ${i} resolved while the file held ${onDisk.n}`);
        }),
      );
      // Stagger some calls so they land while an earlier write is in flight.
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    assert.deepEqual(await readJson(file), { n: 30, items: [] });
  });

  it('rejects a failed write and keeps working for later writes', async () => {
    const { adapter, dir, file } = await setup();
    await adapter.write({ n: 1, items: [] });
    await rm(dir, { recursive: true });
    await assert.rejects(adapter.write({ n: 2, items: [] }), { code: 'ENOENT' });
    await mkdir(dir);
    await adapter.write({ n: 3, items: [] });
    assert.deepEqual(await readJson(file), { n: 3, items: [] });
  });
});
