import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventStore } from '@quantix/shared/server';
import pino from 'pino';
import { createHypervisorMonitor, type HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { openHypervisor } from '../hypervisor/open-hypervisor.ts';
import { setDescription } from '../libvirt-xml/domain-edit.ts';
import { buildDomainXml } from '../libvirt-xml/domain-xml.ts';
import { parseVmMetadata } from '../libvirt-xml/vm-metadata.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import { type CpuProbe, createCpuProbe } from './cpu-probe.ts';
import { createHardwareCore } from './vm-hardware-core.ts';
import { createVmInventory } from './vm-inventory.ts';
import { createVmMetadataWriter } from './vm-metadata.ts';

// A hardware edit reads the whole definition, works (creates a volume, resizes one) and defines
// its edited copy later; a tag or the template flag written in between must survive. libvirt's
// test driver underneath; the storage lookup (only for the answer's disk view) finds nothing.
describe('metadata writes and hardware edits of one VM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qxfixb-meta-'));
  const log = pino({ level: 'silent' });
  let monitor: HypervisorMonitor;
  let uuid = '';
  let cpu: CpuProbe | undefined;
  before(async () => {
    monitor = createHypervisorMonitor({
      uri: 'test:///default',
      log,
      open: () =>
        openHypervisor({ uri: 'test:///default', runtimeDir: join(dir, 'run'), log, preferSystemBus: false }),
    });
    await monitor.start();
    const xml = buildDomainXml({
      name: `qxfixb-${randomBytes(4).toString('hex')}`,
      vcpus: 1,
      memoryMiB: 64,
      disks: [{ path: '/tmp/qxfixb-none.img', format: 'raw' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
    }).replace(/<domain type="kvm">/, '<domain type="test">');
    uuid = (await monitor.get().defineDomain(xml)).uuid;
  });
  after(async () => {
    if (uuid)
      await monitor
        .get()
        .undefineDomain(uuid)
        .catch(() => undefined);
    // its probe guests run in the background: stopped before the connection goes
    await cpu?.close();
    await monitor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a tag and the template flag written while an edit runs, and the edit too', async () => {
    const metadata = createVmMetadataWriter({ monitor });
    const probe = createCpuProbe({ monitor, log });
    cpu = probe;
    const inventory = createVmInventory({ monitor, log, ignore: probe.isProbeGuest });
    await inventory.ready();
    assert.equal(inventory.loaded(), true, 'the full load succeeded');
    const recorded: string[] = [];
    const core = createHardwareCore({
      monitor,
      inventory,
      cpu: probe,
      metadata,
      storage: { locate: async () => new Map() } as unknown as StorageService,
      events: {
        record: async (e: { message: string }) => void recorded.push(e.message),
      } as unknown as EventStore,
    });
    await core.edit(uuid, 'test', async (ctx) => {
      // the edit has read the definition; the tag write lands before it defines its copy
      await metadata.update(uuid, (m) => ({ ...m, tags: ['raced'], template: true }));
      await core.define(ctx, setDescription(ctx.config, 'edited'));
      ctx.done.push('description');
    });
    const xml = await monitor.get().domainXml(uuid, { inactive: true });
    const meta = parseVmMetadata(xml);
    assert.deepEqual(meta.tags, ['raced']);
    assert.equal(meta.template, true);
    assert.match(xml, /<description>edited<\/description>/);
    assert.equal(recorded.length, 1);
  });
});
