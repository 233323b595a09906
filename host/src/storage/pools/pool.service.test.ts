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
    // one after the other, while the host lists and locates over and over (bounded)
    let removed = false;
    const removing = (async () => {
      for (const [i, p] of pools.entries()) {
        await h.stopPool(p.uuid);
        if (i % 2 === 0) await h.undefinePool(p.uuid);
      }
      removed = true;
    })();
    let rounds = 0;
    for (; rounds < 500 && !removed; rounds++) {
      const [list, located] = await Promise.all([
        storage.listPools(),
        storage.locate(['/default-pool/nowhere.img']),
      ]);
      assert.ok(
        list.some((p) => p.name === 'default-pool'),
        'the rest of the list is there',
      );
      assert.equal(located.size, 0);
    }
    await removing;
    assert.ok(rounds > 1, `listed ${rounds} times while the pools went`);
    const left = (await storage.listPools()).filter((p) => p.name.startsWith('qx-race-'));
    assert.deepEqual(
      left.map((p) => p.state),
      Array(10).fill('inactive'),
    );
    for (const p of pools.filter((_, i) => i % 2 === 1)) await h.undefinePool(p.uuid);
  });
});
