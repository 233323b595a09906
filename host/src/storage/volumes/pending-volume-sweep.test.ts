import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, type PendingVolume } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import pino from 'pino';
import { openTestServices, type TestServices } from '../../hub-link/commands/libvirt-services.test-helper.ts';
import type { HypervisorMonitor } from '../../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../../hypervisor/hypervisor.ts';
import { buildVolumeXml } from '../../libvirt-xml/volume-xml.ts';
import { createStorageService } from '../pools/pool.service.ts';
import { schedulePendingVolumeSweep, sweepPendingVolumes } from './pending-volume-sweep.ts';
import { openPendingVolumes, type PendingVolumes } from './pending-volumes.ts';

// The sweep's rules on libvirt's test driver (through libvirt-dbus, as the host runs it): what a
// killed run journaled is deleted only when it exists and no domain uses it, in any way.
const POOL = 'default-pool';
const TEST_VM = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const root = tempRoot('qxorph-sweep-');
const log = pino({ level: 'silent' });
const entry = (volume: string, pool = POOL): PendingVolume => ({
  pool,
  volume,
  doing: `full clone of "qxorph-src" as "qxorph-${volume}"`,
  since: '2026-01-01T00:00:00.000Z',
});

describe('sweep of the volumes a killed host left', () => {
  let s: TestServices;
  let dir: string;
  let poolUuid: string;
  before(async () => {
    dir = await root.fresh('svc-');
    s = await openTestServices(dir);
    poolUuid = (await s.storage.pool(POOL)).uuid;
  });
  after(async () => {
    await s?.close();
  });
  const hv = () => s.monitor.get();
  const volume = (name: string, backing?: string) =>
    hv().createVolume(
      poolUuid,
      buildVolumeXml({
        name,
        format: backing ? 'qcow2' : 'raw',
        capacityBytes: 2 ** 20,
        ...(backing ? { backingStore: { path: backing, format: 'raw' as const } } : {}),
      }),
    );
  /** the sweep as the host runs it */
  const sweep = (journal: PendingVolumes) =>
    sweepPendingVolumes({ journal, monitor: s.monitor, storage: s.storage, events: s.events, log });
  const names = async () => (await s.storage.listVolumes(POOL)).map((v) => v.name).sort();
  const journalOf = async (file: string, entries: PendingVolume[]): Promise<PendingVolumes> => {
    await writeFile(file, JSON.stringify({ schema: 1, volumes: entries }));
    return openPendingVolumes({
      file,
      exists: async (r) => (await s.storage.listVolumes(r.pool)).some((v) => v.name === r.name),
    });
  };

  it('deletes an unused journaled volume with an event, keeps used ones, forgets gone ones, touches nothing else', async () => {
    await volume('qxorph-half.img');
    await volume('qxorph-notours.img');
    const disk = await volume('qxorph-disk.img');
    const cd = await volume('qxorph-seed.iso');
    const base = await volume('qxorph-base.img');
    await volume('qxorph-overlay.qcow2', base.path);
    const next = await volume('qxorph-next.img');
    await s.monitor
      .get()
      .defineDomain(`<domain type='test'><name>qxorph-user</name><memory>65536</memory><vcpu>1</vcpu>
        <os><type>hvm</type></os><devices>
        <disk type='file' device='disk'><source file='${disk.path}'/><target dev='vda'/></disk>
        <disk type='file' device='cdrom'><source file='${cd.path}'/><target dev='hdc'/><readonly/></disk>
        </devices></domain>`);
    // the running test VM gets a disk in its persistent definition only (not in its live one):
    // a Hardware-tab edit killed after DefineXML and before the live attach
    const config = await hv().domainXml(TEST_VM, { inactive: true });
    await hv().defineDomain(
      config.replace(
        '</devices>',
        `<disk type='file' device='disk'><source file='${next.path}'/><target dev='vdz'/></disk></devices>`,
      ),
    );
    assert.ok(!(await hv().domainXml(TEST_VM)).includes(next.path), 'not in the live definition');

    const file = join(dir, 'pending-volumes.json');
    const journal = await journalOf(file, [
      entry('qxorph-half.img'),
      entry('qxorph-disk.img'),
      entry('qxorph-seed.iso'),
      entry('qxorph-base.img'),
      entry('qxorph-next.img'),
      entry('qxorph-never-made.img'),
      entry('qxorph-x.img', 'qxorph-no-such-pool'),
    ]);
    const r = await sweep(journal);
    assert.deepEqual(r.removed, [`${POOL}/qxorph-half.img`]);
    assert.deepEqual(r.inUse.sort(), [
      `${POOL}/qxorph-base.img`,
      `${POOL}/qxorph-disk.img`,
      `${POOL}/qxorph-next.img`,
      `${POOL}/qxorph-seed.iso`,
    ]);
    assert.deepEqual(r.gone.sort(), [`${POOL}/qxorph-never-made.img`, 'qxorph-no-such-pool/qxorph-x.img']);
    assert.deepEqual(r.kept, []);
    assert.deepEqual(journal.leftovers(), [], 'every entry settled');
    assert.deepEqual(await names(), [
      'qxorph-base.img',
      'qxorph-disk.img',
      'qxorph-next.img',
      'qxorph-notours.img',
      'qxorph-overlay.qcow2',
      'qxorph-seed.iso',
    ]);
    const ev = s.events
      .query({ limit: 20, category: 'storage' })
      .find((e) => /qxorph-half\.img/.test(e.message));
    assert.equal(ev?.level, 'warning');
    assert.match(
      ev?.message ?? '',
      /^Volume "qxorph-half\.img" removed from pool "default-pool": the host stopped during the full clone of "qxorph-src" as "qxorph-qxorph-half\.img"/,
    );
    assert.deepEqual(ev?.details, { ...entry('qxorph-half.img') });
  });

  it('keeps the entry when libvirt fails mid-sweep, and deletes the volume at the next attempt', async () => {
    await volume('qxorph-retry.img');
    // libvirt-dbus answers everything but the delete (as when libvirtd dies between the checks and it)
    const failing: HypervisorMonitor = {
      ...s.monitor,
      get: () =>
        new Proxy(s.monitor.get(), {
          get(target, prop) {
            if (prop === 'deleteVolume')
              return async () => {
                throw new AppError('HYPERVISOR_UNAVAILABLE', 'libvirt went away');
              };
            const v = Reflect.get(target, prop) as unknown;
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }) as Hypervisor,
    };
    const file = join(await root.fresh('retry-'), 'pending-volumes.json');
    const journal = await journalOf(file, [entry('qxorph-retry.img')]);
    const storage = createStorageService({
      monitor: failing,
      events: s.events,
      diskUsers: () => s.vms.diskUsers(),
      deviceUsage: async () => [],
    });
    const r = await sweepPendingVolumes({ journal, monitor: failing, storage, events: s.events, log });
    assert.deepEqual(r.kept, [`${POOL}/qxorph-retry.img`]);
    assert.ok((await names()).includes('qxorph-retry.img'));
    assert.equal(journal.leftovers().length, 1, 'still journaled');
    // the scheduled sweep tries again (here: at once, libvirt answering again) and stops when done
    const stop = schedulePendingVolumeSweep({
      journal,
      monitor: s.monitor,
      storage: s.storage,
      events: s.events,
      log,
      retryMs: 50,
    });
    for (let i = 0; i < 100 && journal.leftovers().length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    stop();
    assert.deepEqual(journal.leftovers(), []);
    assert.ok(!(await names()).includes('qxorph-retry.img'));
  });

  it('waits for libvirt when it is down at start, and sweeps once it comes back', async () => {
    await volume('qxorph-later.img');
    const file = join(await root.fresh('later-'), 'pending-volumes.json');
    const journal = await journalOf(file, [entry('qxorph-later.img')]);
    // the real monitor, seen as down until `up()`: as a host started while libvirtd was not running
    let available = false;
    const listeners = new Set<(st: ReturnType<HypervisorMonitor['status']>) => void>();
    const monitor: HypervisorMonitor = {
      ...s.monitor,
      status: () => ({ ...s.monitor.status(), available }),
      onChange(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    };
    const stop = schedulePendingVolumeSweep({ journal, monitor, storage: s.storage, events: s.events, log });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(journal.leftovers().length, 1, 'nothing done while libvirt is down');
    assert.ok((await names()).includes('qxorph-later.img'));
    available = true;
    for (const fn of listeners) fn(monitor.status());
    for (let i = 0; i < 100 && journal.leftovers().length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    stop();
    assert.deepEqual(journal.leftovers(), []);
    assert.ok(!(await names()).includes('qxorph-later.img'));
    assert.equal(listeners.size, 0, 'stopped watching once done');
  });

  it('keeps what it cannot judge: a stopped pool', async () => {
    const file = join(await root.fresh('stopped-'), 'pending-volumes.json');
    await volume('qxorph-stopped.img');
    const journal = await journalOf(file, [entry('qxorph-stopped.img')]);
    await hv().stopPool(poolUuid);
    try {
      const r = await sweep(journal);
      assert.deepEqual(r.kept, [`${POOL}/qxorph-stopped.img`]);
      assert.equal(journal.leftovers().length, 1);
    } finally {
      await hv().startPool(poolUuid);
    }
  });
});
