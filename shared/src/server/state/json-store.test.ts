import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { AppError } from '@quantix/shared';
import { openJsonStore } from './json-store.ts';
import { tempRoot } from './temp-root.test-helper.ts';
import { mountSmallDisk } from './tmpfs.test-helper.ts';

const Doc = z.object({ schema: z.literal(1), counter: z.number().int(), items: z.array(z.number()) });
type Doc = z.infer<typeof Doc>;
const initial = (): Doc => ({ schema: 1, counter: 0, items: [] });

const root = tempRoot('qx-json-store-');

async function freshFile(): Promise<{ dir: string; file: string }> {
  const dir = await root.fresh();
  return { dir, file: join(dir, 'state.json') };
}

function open(file: string, recovered: Array<{ file: string; reason: string }> = []) {
  return openJsonStore({ file, schema: Doc, initial, onRecovered: (i) => recovered.push(i) });
}

const onDisk = async (path: string): Promise<Doc> => Doc.parse(JSON.parse(await readFile(path, 'utf8')));

/** A store that has been through three generations: counter 1, 2, 3. */
async function threeGenerations() {
  const { dir, file } = await freshFile();
  const store = await open(file);
  for (let i = 1; i <= 3; i++) {
    await store.update((d) => {
      d.counter = i;
      d.items.push(i);
    });
  }
  return { dir, file };
}

describe('openJsonStore', () => {
  it('writes the initial data on first start, mode 0600', async () => {
    const { file } = await freshFile();
    const store = await open(file);
    assert.deepEqual(store.data, initial());
    assert.deepEqual(await onDisk(file), initial());
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('round-trips updates through the file and returns the updater result', async () => {
    const { file } = await freshFile();
    const store = await open(file);
    const r = await store.update((d) => {
      d.counter = 42;
      d.items.push(1, 2, 3);
      return 'done';
    });
    assert.equal(r, 'done');
    assert.deepEqual(await onDisk(file), { schema: 1, counter: 42, items: [1, 2, 3] });
    const again = await open(file);
    assert.deepEqual(again.data, { schema: 1, counter: 42, items: [1, 2, 3] });
  });

  it('keeps a copy of the last acknowledged generation in .bak', async () => {
    const { file } = await threeGenerations();
    assert.equal((await onDisk(file)).counter, 3);
    assert.equal((await onDisk(`${file}.bak`)).counter, 3);
    assert.equal((await stat(`${file}.bak`)).mode & 0o777, 0o600);
  });

  for (const [label, corrupt] of [
    ['invalid JSON', '{"schema":1,"counter":'],
    ['valid JSON that fails the schema', '{"schema":2,"counter":3,"items":[]}'],
  ] as const) {
    it(`recovers from .bak, not from defaults, when the file holds ${label}`, async () => {
      const { dir, file } = await threeGenerations();
      await writeFile(file, corrupt);
      const recovered: Array<{ file: string; reason: string }> = [];
      const store = await open(file, recovered);

      assert.deepEqual(store.data, { schema: 1, counter: 3, items: [1, 2, 3] });
      assert.equal(recovered.length, 1);
      assert.equal(recovered[0]?.file, file);
      assert.deepEqual(await onDisk(file), { schema: 1, counter: 3, items: [1, 2, 3] });
      const names = await readdir(dir);
      const kept = names.filter((n) => n.startsWith('state.json.corrupt-'));
      assert.equal(kept.length, 1);
      assert.match(kept[0] ?? '', /^state\.json\.corrupt-\d+$/);
      assert.equal(await readFile(join(dir, kept[0] ?? ''), 'utf8'), corrupt);
    });
  }

  it('restores the one write made after the first start when the file is corrupted right after it', async () => {
    // the admin created at setup is that one write: it must survive a damaged host.json
    const { file } = await freshFile();
    const store = await open(file);
    await store.update((d) => {
      d.counter = 1;
      d.items.push(7);
    });
    await writeFile(file, '{"schema":1,"coun');
    const recovered: Array<{ file: string; reason: string }> = [];
    const again = await open(file, recovered);
    assert.deepEqual(again.data, { schema: 1, counter: 1, items: [7] });
    assert.equal(recovered.length, 1);
  });

  it('throws STATE_CORRUPT, and does not start from defaults, when the file and .bak are both corrupt', async () => {
    const { file } = await threeGenerations();
    await writeFile(file, 'not json');
    await writeFile(`${file}.bak`, '{"schema":1}');
    await assert.rejects(open(file), { name: 'AppError', code: 'STATE_CORRUPT' });
    assert.equal(await readFile(file, 'utf8'), 'not json');
  });

  it('restores a missing main file from .bak', async () => {
    const { file } = await threeGenerations();
    await unlink(file);
    const recovered: Array<{ file: string; reason: string }> = [];
    const store = await open(file, recovered);
    assert.equal(store.data.counter, 3);
    assert.deepEqual(recovered, [{ file, reason: 'main file missing' }]);
    assert.equal((await onDisk(file)).counter, 3);
  });

  it('leaves only the file and its .bak after many writes', async () => {
    const { dir, file } = await freshFile();
    const store = await open(file);
    for (let i = 0; i < 30; i++) await store.update((d) => void d.items.push(i));
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.update((d) => void d.items.push(100 + i))));
    assert.deepEqual((await readdir(dir)).sort(), ['state.json', 'state.json.bak']);
  });

  it('resolves 50 concurrent updates and persists every one of them', async () => {
    const { file } = await freshFile();
    const store = await open(file);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.update((d) => {
          d.counter += 1;
          d.items.push(i);
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, i) => i),
    );
    const disk = await onDisk(file);
    assert.equal(disk.counter, 50);
    assert.deepEqual(
      [...disk.items].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.equal((await onDisk(`${file}.bak`)).counter, 50);
  });

  it('rejects an update whose directory was removed and rolls the data back', async () => {
    const { dir, file } = await freshFile();
    const store = await open(file);
    await store.update((d) => {
      d.counter = 1;
    });
    await rm(dir, { recursive: true });
    await assert.rejects(
      store.update((d) => {
        d.counter = 99;
        d.items.push(99);
      }),
      { code: 'ENOENT' },
    );
    assert.deepEqual(store.data, { schema: 1, counter: 1, items: [] });

    // Once the directory is back, later updates work and the rejected change never reaches disk.
    await mkdir(dir);
    await store.update((d) => void d.items.push(2));
    assert.deepEqual(await onDisk(file), { schema: 1, counter: 1, items: [2] });
  });

  it('rejects an update whose directory was replaced by a file and rolls the data back', async () => {
    const { dir, file } = await freshFile();
    const store = await open(file);
    await rm(dir, { recursive: true });
    await writeFile(dir, 'in the way');
    await assert.rejects(
      store.update((d) => {
        d.counter = 5;
      }),
      { code: 'ENOTDIR' },
    );
    assert.equal(store.data.counter, 0);
  });

  it('rolls back every update of a coalesced batch whose write failed', {}, async () => {
    const { dir, file } = await freshFile();
    const store = await open(file);
    await rm(dir, { recursive: true });
    const outcomes = await Promise.allSettled([
      store.update((d) => void d.items.push(1)),
      store.update((d) => void d.items.push(2)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    // Both were rejected, so neither may remain in memory (it would be written by the next update).
    assert.deepEqual(store.data.items, []);
  });

  it('answers STORAGE_FULL on a full disk, keeps memory and disk as they were, and works once space is back', async () => {
    const disk = mountSmallDisk(256);
    const outcomes: string[] = [];
    try {
      const file = join(disk.dir, 'state.json');
      const store = await openJsonStore({
        file,
        schema: Doc,
        initial,
        disk: {
          writeFailed: (err) => {
            outcomes.push(`failed ${(err as NodeJS.ErrnoException).code}`);
            return true;
          },
          writeSucceeded: () => void outcomes.push('ok'),
        },
      });
      await store.update((d) => {
        d.counter = 1;
      });
      disk.fill();
      await assert.rejects(
        store.update((d) => {
          d.counter = 2;
          d.items.push(...Array.from({ length: 5000 }, (_, i) => i));
        }),
        (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.equal(err.code, 'STORAGE_FULL');
          assert.equal(err.status, 507);
          return true;
        },
      );
      assert.deepEqual(store.data, { schema: 1, counter: 1, items: [] });
      assert.deepEqual(await onDisk(file), { schema: 1, counter: 1, items: [] });
      assert.deepEqual(await onDisk(`${file}.bak`), { schema: 1, counter: 1, items: [] });

      disk.free();
      await store.update((d) => {
        d.counter = 3;
      });
      assert.deepEqual(await onDisk(file), { schema: 1, counter: 3, items: [] });
      assert.deepEqual(outcomes, ['ok', 'failed ENOSPC', 'ok']);
    } finally {
      disk.unmount();
    }
  });
});
