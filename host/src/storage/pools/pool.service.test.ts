import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestServices, type TestServices } from '../../hub-link/commands/libvirt-services.test-helper.ts';
import { buildPoolXml } from '../../libvirt-xml/pool-xml.ts';

// Another client (another suite's host, an admin's virsh) stops and removes pools while we list
// them: such a pool holds nothing any more, and the list of the others stands. On libvirt's test
// driver, whose pools touch no files.
describe('pools stopped and removed by someone else while the host lists them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-pool-race-'));
  let services: TestServices;
  before(async () => {
    services = await openTestServices(dir);
  });
  after(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists pools and locates volumes while 20 pools are stopped and undefined', async () => {
    const { storage } = services;
    const h = services.monitor.get();
    const pools = [];
    for (let i = 0; i < 20; i++) {
      const p = await h.definePool(
        buildPoolXml({ type: 'dir', name: `qx-race-${i}`, path: `/qx-race/${i}` }),
      );
      await h.startPool(p.uuid);
      pools.push(p);
    }
    // Each pool is stopped (every other one undefined as well) the moment a listing has its answer
    // with the pool still running, before that listing reads the pool's volumes: the window the host
    // must survive, hit every time. (It was left to timing, and on a busy machine the 20 removals
    // once all landed within the first listing, so nothing raced.)
    const queue = [...pools.entries()];
    const removals: Array<Promise<void>> = [];
    const listPools = h.listPools;
    h.listPools = async () => {
      const listed = await listPools();
      const next = queue.shift();
      if (next) {
        const [i, p] = next;
        // sent now, before the caller's next call: no await before the stop goes out
        removals.push(h.stopPool(p.uuid).then(() => (i % 2 === 0 ? h.undefinePool(p.uuid) : undefined)));
      }
      return listed;
    };
    try {
      for (let round = 0; round < 100 && queue.length > 0; round++) {
        const [list, located] = await Promise.all([
          storage.listPools(),
          storage.locate(['/default-pool/nowhere.img']),
        ]);
        assert.ok(
          list.some((x) => x.name === 'default-pool'),
          'the rest of the list is there',
        );
        assert.equal(located.size, 0);
      }
      await Promise.all(removals);
    } finally {
      h.listPools = listPools;
    }
    assert.equal(queue.length, 0, 'every pool went while a listing read it');
    const left = (await storage.listPools()).filter((p) => p.name.startsWith('qx-race-'));
    assert.deepEqual(
      left.map((p) => p.state),
      Array(10).fill('inactive'),
    );
    for (const p of pools.filter((_, i) => i % 2 === 1)) await h.undefinePool(p.uuid);
  });
});
