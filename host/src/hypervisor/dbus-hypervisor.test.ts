import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { DomainEventKind, Hypervisor } from './hypervisor.ts';
import { openHypervisor } from './open-hypervisor.ts';

// The real layer (libvirt-dbus on a private bus) against libvirt's built-in test driver.
describe('hypervisor over libvirt-dbus, test:///default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-hv-'));
  let h: Hypervisor;
  let close: () => Promise<void>;
  before(async () => {
    const opened = await openHypervisor({
      uri: 'test:///default',
      runtimeDir: join(dir, 'run'),
      log: pino({ level: 'silent' }),
      preferSystemBus: false,
    });
    h = opened.hypervisor;
    close = opened.close;
  });
  after(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const domainXml = (name: string) =>
    `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;

  it('reports status and the test driver fixture', async () => {
    const s = await h.status();
    assert.equal(s.available, true);
    assert.match(s.libvirtVersion ?? '', /^\d+\.\d+\.\d+$/);
    const domains = await h.listDomains();
    assert.deepEqual(
      domains.map((d) => d.name),
      ['test'],
    );
    assert.equal(domains[0]?.active, true);
  });

  it('writes our metadata element into the definition, live and persistent, and removes it', async () => {
    const d = await h.defineDomain(domainXml('qx-meta'));
    const el = { uri: 'https://quantix.dev/xmlns/vm/1', key: 'quantix' };
    await h.setDomainMetadata(d.uuid, { ...el, xml: '<vm><tags><tag>web</tag></tags></vm>' });
    assert.match(await h.domainXml(d.uuid, { inactive: true }), /<quantix:tag>web<\/quantix:tag>/);
    await h.domainAction(d.uuid, 'start');
    await h.setDomainMetadata(d.uuid, { ...el, xml: '<vm><tags><tag>db</tag></tags></vm>' });
    assert.match(await h.domainXml(d.uuid), /<quantix:tag>db<\/quantix:tag>/);
    assert.match(await h.domainXml(d.uuid, { inactive: true }), /<quantix:tag>db<\/quantix:tag>/);
    await h.domainAction(d.uuid, 'destroy');
    await h.setDomainMetadata(d.uuid, { ...el, xml: '<vm/>' });
    assert.doesNotMatch(await h.domainXml(d.uuid, { inactive: true }), /quantix:tag/);
    await h.undefineDomain(d.uuid);
  });

  it('lists while other clients remove objects: a vanished one is left out, the list stands', async () => {
    const defined = await Promise.all(
      Array.from({ length: 30 }, (_, i) => h.defineDomain(domainXml(`qx-vanish-${i}`))),
    );
    const removing = Promise.all(defined.map((d) => h.undefineDomain(d.uuid)));
    const lists = await Promise.all(Array.from({ length: 6 }, () => h.listDomains()));
    await removing;
    for (const l of lists)
      assert.ok(
        l.some((d) => d.name === 'test'),
        'the rest of the list is there',
      );
    assert.ok(!(await h.listDomains()).some((d) => d.name.startsWith('qx-vanish-')));
  });

  it('defines, drives and undefines a domain, with lifecycle events', async () => {
    const events: Array<[string, DomainEventKind]> = [];
    const off = h.onDomainEvent((uuid, kind) => events.push([uuid, kind]));
    const d = await h.defineDomain(domainXml('qx-one'));
    assert.equal(d.name, 'qx-one');
    assert.equal(d.active, false);
    await h.domainAction(d.uuid, 'start');
    await h.domainAction(d.uuid, 'suspend');
    const stats = (await h.domainStats()).find((s) => s.name === 'qx-one');
    assert.equal(stats?.state, 'paused');
    await h.domainAction(d.uuid, 'resume');
    await h.domainAction(d.uuid, 'reboot');
    await h.domainAction(d.uuid, 'reset');
    await h.domainAction(d.uuid, 'shutdown');
    assert.equal((await h.domain(d.uuid)).active, false);
    await h.domainAction(d.uuid, 'start');
    await h.domainAction(d.uuid, 'destroy');
    await h.setDomainAutostart(d.uuid, true);
    assert.equal((await h.domain(d.uuid)).autostart, true);
    assert.match(await h.domainXml(d.uuid), /<name>qx-one<\/name>/);
    await h.undefineDomain(d.uuid);
    // signals come after the replies: wait for the last one (bounded), not a fixed time
    for (let i = 0; i < 600 && !events.some(([u, k]) => u === d.uuid && k === 'undefined'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    off();
    const kinds = events.filter(([u]) => u === d.uuid).map(([, k]) => k);
    for (const k of ['defined', 'started', 'suspended', 'resumed', 'stopped', 'undefined'] as const) {
      assert.ok(kinds.includes(k), `event ${k} arrived (${kinds.join(',')})`);
    }
  });

  it('maps libvirt errors to stable codes', async () => {
    const d = await h.defineDomain(domainXml('qx-two'));
    await assert.rejects(h.domainAction(d.uuid, 'suspend'), { code: 'VM_STATE_INVALID' });
    await assert.rejects(h.domain('00000000-0000-0000-0000-000000000000'), { code: 'VM_NOT_FOUND' });
    await assert.rejects(h.defineDomain('<domain'), { code: 'LIBVIRT_ERROR' });
    await h.undefineDomain(d.uuid);
  });

  it('snapshots: create, list, revert, delete', async () => {
    const d = await h.defineDomain(domainXml('qx-snap'));
    await h.createSnapshot(
      d.uuid,
      '<domainsnapshot><name>s1</name><description>first</description></domainsnapshot>',
    );
    const list = await h.listSnapshots(d.uuid);
    assert.deepEqual(
      list.map((s) => [s.name, s.current]),
      [['s1', true]],
    );
    await h.revertSnapshot(d.uuid, 's1');
    await assert.rejects(h.revertSnapshot(d.uuid, 'nope'), { code: 'SNAPSHOT_NOT_FOUND' });
    await h.deleteSnapshot(d.uuid, 's1');
    assert.equal((await h.listSnapshots(d.uuid)).length, 0);
    await h.undefineDomain(d.uuid);
  });

  it('pools and volumes', async () => {
    const pools = await h.listPools();
    const def = pools.find((p) => p.name === 'default-pool');
    assert.ok(def, 'fixture pool');
    assert.ok(def.capacity > 0);
    const p = await h.definePool(
      `<pool type='dir'><name>qx-pool</name><target><path>/qx-pool</path></target></pool>`,
    );
    assert.equal(p.state, 'inactive');
    await h.startPool(p.uuid);
    await h.setPoolAutostart(p.uuid, true);
    const vol = await h.createVolume(
      p.uuid,
      `<volume><name>disk1.qcow2</name><capacity unit='bytes'>1048576</capacity><target><format type='qcow2'/></target></volume>`,
    );
    assert.equal(vol.name, 'disk1.qcow2');
    assert.equal(vol.capacity, 1048576);
    // the test driver has no virStorageVolResize; the end-to-end suite resizes on real QEMU storage
    await assert.rejects(h.resizeVolume(p.uuid, 'disk1.qcow2', 2 * 1048576), { code: 'NOT_SUPPORTED' });
    const list = await h.listVolumes(p.uuid);
    assert.deepEqual(list.skipped, []);
    assert.equal(list.volumes[0]?.capacity, 1048576);
    assert.deepEqual(await h.volumeKeys(p.uuid), [list.volumes[0]?.key]);
    await h.deleteVolume(p.uuid, 'disk1.qcow2');
    await assert.rejects(h.deleteVolume(p.uuid, 'disk1.qcow2'), { code: 'VOLUME_NOT_FOUND' });
    await h.stopPool(p.uuid);
    await h.undefinePool(p.uuid);
    await assert.rejects(h.pool(p.uuid), { code: 'POOL_NOT_FOUND' });
  });

  it('starts a transient guest that is gone once destroyed', async () => {
    const uuid = await h.createTransientDomain(domainXml('qx-transient'));
    assert.equal(await h.domainState(uuid), 'running');
    assert.equal((await h.domain(uuid)).persistent, false);
    await h.domainAction(uuid, 'destroy');
    await assert.rejects(h.domain(uuid), { code: 'VM_NOT_FOUND' });
    // the test driver has no domain capabilities: the CPU probe offers the basic modes instead
    await assert.rejects(h.domainCapabilities('kvm'), { code: 'NOT_SUPPORTED' });
  });

  it('networks', async () => {
    const n = await h.defineNetwork(
      `<network><name>qx-net</name><bridge name='qxbr0'/><ip address='192.0.2.1' prefix='24'/></network>`,
    );
    await h.startNetwork(n.uuid);
    assert.equal((await h.network(n.uuid)).active, true);
    await h.setNetworkAutostart(n.uuid, true);
    await h.stopNetwork(n.uuid);
    await h.undefineNetwork(n.uuid);
    assert.ok(!(await h.listNetworks()).some((x) => x.name === 'qx-net'));
  });
});
