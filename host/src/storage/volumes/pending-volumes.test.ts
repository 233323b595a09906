import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError, PendingVolumesState } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { openPendingVolumes, type VolumeRef } from './pending-volumes.ts';

const root = tempRoot('qxorph-journal-');
const onDisk = async (file: string) =>
  PendingVolumesState.parse(JSON.parse(await readFile(file, 'utf8'))).volumes.map(
    (v) => `${v.pool}/${v.volume}`,
  );
const fresh = async () => join(await root.fresh(), 'pending-volumes.json');
/** a pool of volume names, as `exists` sees it */
const open = (
  file: string,
  pool = new Set<string>(),
  extra: Partial<Parameters<typeof openPendingVolumes>[0]> = {},
) => openPendingVolumes({ file, exists: async (r: VolumeRef) => pool.has(`${r.pool}/${r.name}`), ...extra });
const entry = (pool: string, volume: string) => ({
  pool,
  volume,
  doing: 'full clone of "a" as "b"',
  since: '2026-01-01T00:00:00.000Z',
});

describe('pending volumes journal', () => {
  it('has the entry on disk before the volume is made, and drops it when the operation is done', async () => {
    const file = await fresh();
    const journal = await open(file);
    const seen = await journal.making({ pool: 'p', name: 'b-disk0.img' }, 'full clone of "a" as "b"', () =>
      onDisk(file),
    );
    assert.deepEqual(seen, ['p/b-disk0.img'], 'durable before make ran');
    const raw = PendingVolumesState.parse(JSON.parse(await readFile(file, 'utf8'))).volumes[0];
    assert.equal(raw?.doing, 'full clone of "a" as "b"');
    assert.ok(raw && Date.parse(raw.since) > 0);
    assert.deepEqual(journal.leftovers(), [], 'this run’s own entries are never leftovers');
    await journal.done([{ pool: 'p', name: 'b-disk0.img' }]);
    assert.deepEqual(await onDisk(file), []);
    // no temp files left beside it
    const names = await readdir(join(file, '..'));
    assert.deepEqual(names.sort(), ['pending-volumes.json', 'pending-volumes.json.bak']);
  });

  it('drops the entry when making fails (nothing was made), and passes the error on', async () => {
    const file = await fresh();
    const journal = await open(file);
    await assert.rejects(
      journal.making({ pool: 'p', name: 'x.img' }, 'creation of VM "x"', async () => {
        throw new AppError('INSUFFICIENT_SPACE', 'no room');
      }),
      { code: 'INSUFFICIENT_SPACE' },
    );
    assert.deepEqual(await onDisk(file), []);
  });

  it('refuses a name the pool has, or one this run is making: it journals only what it makes', async () => {
    const file = await fresh();
    const journal = await open(file, new Set(['p/theirs.img']));
    let made = 0;
    await assert.rejects(
      journal.making({ pool: 'p', name: 'theirs.img' }, 'x', async () => made++),
      { code: 'NAME_TAKEN' },
    );
    let release = () => {};
    let making = () => {};
    // the work starts only once its entry is durably written: wait for that, not for a time
    const inMake = new Promise<void>((r) => {
      making = r;
    });
    const first = journal.making({ pool: 'p', name: 'b.img' }, 'full clone of "a" as "b"', () => {
      making();
      return new Promise<void>((r) => {
        release = r;
      });
    });
    await inMake;
    await assert.rejects(
      journal.making({ pool: 'p', name: 'b.img' }, 'other', async () => made++),
      {
        code: 'NAME_TAKEN',
        message: /being made by the full clone of "a" as "b"/,
      },
    );
    assert.equal(made, 0);
    assert.deepEqual(await onDisk(file), ['p/b.img'], 'the first one’s entry is still there');
    release();
    await first;
  });

  it('hands what a killed run left to the next one as leftovers, until the sweep settles them', async () => {
    const file = await fresh();
    await writeFile(
      file,
      JSON.stringify({ schema: 1, volumes: [entry('p', 'b-disk0.img'), entry('p', 'c.img')] }),
    );
    const journal = await open(file);
    assert.deepEqual(
      journal.leftovers().map((e) => e.volume),
      ['b-disk0.img', 'c.img'],
    );
    // done() of this run never drops an earlier run's entry
    await journal.done([{ pool: 'p', name: 'c.img' }]);
    assert.equal(journal.leftovers().length, 2);
    await journal.settle(entry('p', 'b-disk0.img'));
    assert.deepEqual(await onDisk(file), ['p/c.img']);
    // a leftover whose volume was never made, made again by this run: taken over, no longer swept
    await journal.making({ pool: 'p', name: 'c.img' }, 'creation of VM "c"', async () => undefined);
    assert.deepEqual(journal.leftovers(), []);
    assert.deepEqual(await onDisk(file), ['p/c.img']);
    const reopened = await open(file);
    assert.deepEqual(
      reopened.leftovers().map((e) => [e.volume, e.doing]),
      [['c.img', 'creation of VM "c"']],
    );
  });

  it('starts empty without a file, restores a damaged file from its .bak, and refuses both damaged', async () => {
    const file = await fresh();
    const journal = await open(file);
    assert.deepEqual(journal.leftovers(), []);
    assert.deepEqual(await onDisk(file), [], 'the file exists from the first start');
    await journal.making({ pool: 'p', name: 'a.img' }, 'x', async () => undefined);
    await writeFile(file, '{"schema":1,"volumes":[{"pool":');
    const recovered: string[] = [];
    const again = await open(file, new Set(), { onRecovered: (i) => recovered.push(i.reason) });
    assert.match(recovered[0] ?? '', /invalid JSON/);
    assert.deepEqual(
      again.leftovers().map((e) => e.volume),
      ['a.img'],
    );
    assert.deepEqual(await onDisk(file), ['p/a.img'], 'put back in place');
    await writeFile(file, '{"schema":1,"volumes":[{"pool":""}]}');
    await writeFile(`${file}.bak`, 'garbage');
    await assert.rejects(open(file), { code: 'STATE_CORRUPT' });
  });
});
