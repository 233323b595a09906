import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CpuCapabilities,
  ErrorBody,
  HardwareReport,
  LogPage,
  HypervisorStatus,
  NetworkSummary,
  PoolSummary,
  SnapshotSummary,
  type VmChanged,
  VmDetail,
  VmSummary,
  VolumeSummary,
} from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

// The real host, through the real hypervisor layer (libvirt-dbus), on libvirt's test driver.
describe('virtualization API on test:///default', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  let socket: HostSocket;
  const changes: VmChanged[] = [];
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    socket = openSocket(host, admin);
    socket.on('vm:changed', (c) => changes.push(c));
    await connected(socket);
  });
  after(async () => {
    socket?.close();
    await host.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });
  const waitForChange = async (pred: (c: VmChanged) => boolean) => {
    for (let i = 0; i < 100; i++) {
      if (changes.some(pred)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('no matching vm:changed event');
  };

  it('reports the hypervisor as the test driver', async () => {
    const s = HypervisorStatus.parse((await api('GET', '/hypervisor')).json);
    assert.equal(s.available, true);
    assert.equal(s.testDriver, true);
    assert.equal(s.uri, 'test:///default');
  });

  it('lists the fixture VM, pool and network', async () => {
    const vms = (await api('GET', '/vms')).json as { vms: unknown[] };
    assert.deepEqual(
      vms.vms.map((v) => VmSummary.parse(v).name),
      ['test'],
    );
    const pools = ((await api('GET', '/storage/pools')).json as { pools: unknown[] }).pools.map((p) =>
      PoolSummary.parse(p),
    );
    assert.ok(pools.some((p) => p.name === 'default-pool' && p.state === 'running'));
    const nets = ((await api('GET', '/networks')).json as { networks: unknown[] }).networks.map((n) =>
      NetworkSummary.parse(n),
    );
    assert.ok(nets.some((n) => n.name === 'default'));
  });

  it('refuses names that would break XML before libvirt is called', async () => {
    const res = await api('POST', '/storage/pools', {
      type: 'dir',
      name: 'x</name><source>',
      path: '/tmp/x',
    });
    assert.equal(res.status, 400);
    assert.equal(code(res.json), 'VALIDATION_FAILED');
    const vm = await api('POST', '/vms', {
      name: 'a<b',
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(vm.status, 400);
    const nets = await api('GET', '/networks');
    assert.equal((nets.json as { networks: unknown[] }).networks.length, 1, 'nothing was created');
  });

  let uuid = '';
  it('creates a VM with its disks, and every action changes its state through libvirt events', async () => {
    const res = await api('POST', '/vms', {
      name: 'web1',
      vcpus: 2,
      memoryMiB: 256,
      disks: [
        { pool: 'default-pool', sizeGiB: 1, format: 'qcow2' },
        { pool: 'default-pool', sizeGiB: 2, format: 'raw' },
      ],
      network: { type: 'network', name: 'default' },
      bootOrder: ['hd', 'network'],
      autostart: true,
      description: '</description><devices>stays text',
    });
    assert.equal(res.status, 201, res.text);
    const vm = VmDetail.parse(res.json);
    uuid = vm.uuid;
    assert.equal(vm.state, 'shutoff');
    assert.equal(vm.autostart, true);
    assert.equal(vm.disks.length, 2);
    assert.equal(vm.description, '</description><devices>stays text');
    const vols = (
      (await api('GET', '/storage/pools/default-pool/volumes')).json as { volumes: unknown[] }
    ).volumes.map((v) => VolumeSummary.parse(v));
    assert.deepEqual(
      vols.map((v) => v.name),
      ['web1-disk0.qcow2', 'web1-disk1.img'],
    );
    // the disks are known as pool volumes, with their sizes (the Disks tab shows them)
    assert.deepEqual(
      vm.disks.map((d) => [d.pool, d.volume, d.capacity]),
      [
        ['default-pool', 'web1-disk0.qcow2', 1024 ** 3],
        ['default-pool', 'web1-disk1.img', 2 * 1024 ** 3],
      ],
    );
    // no KVM on the test driver: software emulation's CPU, probed, and no host CPU to pass through
    const caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    assert.equal(caps.virtType, 'qemu');
    assert.deepEqual(caps.default, { mode: 'maximum' });
    assert.equal(caps.options.find((o) => o.cpu.mode === 'maximum')?.status, 'ok');
    assert.deepEqual(vm.cpu, { mode: 'maximum', model: null });
    const passthrough = await api('PUT', `/vms/${vm.uuid}/cpu`, { cpu: { mode: 'host-passthrough' } });
    assert.equal(code(passthrough.json), 'VALIDATION_FAILED');
    const named = await api('PUT', `/vms/${vm.uuid}/cpu`, { cpu: { mode: 'custom', model: 'Westmere' } });
    assert.deepEqual(VmDetail.parse(named.json).cpu, { mode: 'custom', model: 'Westmere' });
    assert.equal(
      code((await api('PUT', `/vms/${vm.uuid}/cpu`, { cpu: { mode: 'custom', model: 'a b' } })).json),
      'VALIDATION_FAILED',
    );

    // with someone watching live stats, as the VM list page does: states must still be current
    assert.ok((await socket.timeout(5000).emitWithAck('vms:subscribe')).ok);
    const steps: Array<[string, string]> = [
      ['start', 'running'],
      ['suspend', 'paused'],
      ['resume', 'running'],
      ['reboot', 'running'],
      ['reset', 'running'],
      ['shutdown', 'shutoff'],
      ['start', 'running'],
      ['destroy', 'shutoff'],
    ];
    for (const [action, state] of steps) {
      const r = await api('POST', `/vms/${uuid}/actions/${action}`);
      assert.equal(r.status, 200, `${action}: ${r.text}`);
      assert.equal(VmSummary.parse(r.json).state, state, action);
    }
    await waitForChange((c) => c.uuid === uuid && c.event === 'stopped' && c.vm?.state === 'shutoff');
    await socket.timeout(5000).emitWithAck('vms:unsubscribe');
    assert.ok(changes.some((c) => c.uuid === uuid && c.event === 'suspended' && c.vm?.state === 'paused'));
    const wrong = await api('POST', `/vms/${uuid}/actions/resume`);
    assert.equal(wrong.status, 409);
    assert.equal(code(wrong.json), 'VM_STATE_INVALID');
    const xml = (await api('GET', `/vms/${uuid}/xml`)).json as { xml: string };
    assert.match(xml.xml, /<name>web1<\/name>/);
  });

  it('checks the disk size against the pool and rolls back a failed creation', async () => {
    const tooBig = await api('POST', '/vms', {
      name: 'huge',
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool: 'default-pool', sizeGiB: 60000, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(tooBig.status, 409);
    assert.equal(code(tooBig.json), 'INSUFFICIENT_SPACE');
    // a network that does not exist makes the define fail after the disk was made: it must be gone again
    const broken = await api('POST', '/vms', {
      name: 'broken',
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
      cdrom: { pool: 'default-pool', volume: 'missing.iso' },
      network: { type: 'none' },
      bootOrder: ['cdrom', 'hd'],
      autostart: false,
    });
    assert.equal(code(broken.json), 'VOLUME_NOT_FOUND');
    const vols = (
      (await api('GET', '/storage/pools/default-pool/volumes')).json as { volumes: Array<{ name: string }> }
    ).volumes;
    assert.ok(!vols.some((v) => v.name.startsWith('broken')), 'no disk left behind');
    assert.ok(
      !((await api('GET', '/vms')).json as { vms: Array<{ name: string }> }).vms.some(
        (v) => v.name === 'broken',
      ),
    );
  });

  it('snapshots: create, list, revert, delete', async () => {
    assert.equal(
      (await api('POST', `/vms/${uuid}/snapshots`, { name: 'before-upgrade', description: 'clean' })).status,
      201,
    );
    const list = (
      (await api('GET', `/vms/${uuid}/snapshots`)).json as { snapshots: unknown[] }
    ).snapshots.map((s) => SnapshotSummary.parse(s));
    assert.deepEqual(
      list.map((s) => [s.name, s.description, s.current]),
      [['before-upgrade', 'clean', true]],
    );
    assert.equal((await api('POST', `/vms/${uuid}/snapshots/before-upgrade/revert`)).status, 204);
    assert.equal((await api('DELETE', `/vms/${uuid}/snapshots/before-upgrade`)).status, 204);
    assert.equal(
      code((await api('DELETE', `/vms/${uuid}/snapshots/before-upgrade`)).json),
      'SNAPSHOT_NOT_FOUND',
    );
  });

  it('refuses to delete a volume or stop a pool in use, naming the VM', async () => {
    const vol = await api('DELETE', '/storage/pools/default-pool/volumes/web1-disk0.qcow2');
    assert.equal(vol.status, 409);
    assert.equal(code(vol.json), 'VOLUME_IN_USE');
    assert.match(ErrorBody.parse(vol.json).error.message, /web1/);
    const stop = await api('POST', '/storage/pools/default-pool/stop');
    assert.equal(code(stop.json), 'POOL_IN_USE');
    const resize = await api('POST', '/storage/pools/default-pool/volumes/web1-disk0.qcow2/resize', {
      sizeGiB: 5,
    });
    // web1 is off: growing its disk is allowed (the test driver itself cannot resize)
    assert.equal(code(resize.json), 'NOT_SUPPORTED', 'no in-use refusal for a VM that is off');
  });

  it('lets an adopted hub read but not upload into a pool', async () => {
    const minted = (await api('POST', '/registration/tokens')).json as { token: string };
    const done = await host.api('/api/v1/registration/complete', {
      method: 'POST',
      headers: { authorization: `Bearer ${minted.token}` },
      body: {
        hubId: randomUUID(),
        hubName: 'hub',
        hubUrl: 'https://hub.test',
        hubSpki: `sha256:${'a'.repeat(64)}`,
      },
    });
    const credential = (done.json as { credential: string }).credential;
    const auth = { authorization: `Bearer ${credential}` };
    assert.equal((await host.api('/api/v1/storage/pools', { headers: auth })).status, 200);
    const upload = await host.api('/api/v1/storage/pools/default-pool/files/x.iso', {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: 'not an iso',
    });
    assert.equal(upload.status, 403);
    assert.equal(code(upload.json), 'FORBIDDEN');
  });

  it('deletes the VM with its volumes', async () => {
    assert.equal((await api('DELETE', `/vms/${uuid}?deleteVolumes=true`)).status, 204);
    assert.equal(code((await api('GET', `/vms/${uuid}`)).json), 'VM_NOT_FOUND');
    const vols = ((await api('GET', '/storage/pools/default-pool/volumes')).json as { volumes: unknown[] })
      .volumes;
    assert.equal(vols.length, 0);
    await waitForChange((c) => c.uuid === uuid && c.vm === null);
  });

  it('refuses to build an LVM pool on the disk the host runs from, naming why', async (t) => {
    const root = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .find(([src, mnt]) => mnt === '/' && src?.startsWith('/dev/'))?.[0];
    if (!root) return t.skip('/ is not on a block device here');
    const res = await api('POST', '/storage/pools', {
      type: 'logical',
      name: 'wipe-me',
      vgName: 'vgwipe',
      devices: [root],
    });
    assert.equal(res.status, 409, res.text);
    assert.equal(code(res.json), 'DEVICE_IN_USE');
    assert.match(ErrorBody.parse(res.json).error.message, /is mounted at \//);
    const pools = (await api('GET', '/storage/pools')).json as { pools: Array<{ name: string }> };
    assert.ok(!pools.pools.some((p) => p.name === 'wipe-me'), 'nothing was defined');
    // the hardware page's disks say so too
    const hw = HardwareReport.parse((await api('GET', '/host/hardware')).json);
    assert.ok(
      hw.disks.some((d) => d.inUse.some((r) => r.endsWith('is mounted at /'))),
      JSON.stringify(hw.disks),
    );
  });

  it('pools: create a dir pool, volumes, autostart, stop, delete', async () => {
    const created = await api('POST', '/storage/pools', { type: 'dir', name: 'pool2', path: '/pool2' });
    assert.equal(created.status, 201, created.text);
    assert.equal(PoolSummary.parse(created.json).state, 'running');
    const dup = await api('POST', '/storage/pools', { type: 'dir', name: 'pool2', path: '/pool2b' });
    assert.equal(code(dup.json), 'NAME_TAKEN');
    assert.equal(
      (await api('POST', '/storage/pools/pool2/volumes', { name: 'data.qcow2', format: 'qcow2', sizeGiB: 1 }))
        .status,
      201,
    );
    const mismatch = await api('POST', '/storage/pools/pool2/volumes', {
      name: 'data.img',
      format: 'qcow2',
      sizeGiB: 1,
    });
    assert.equal(mismatch.status, 400);
    assert.equal((await api('DELETE', '/storage/pools/pool2/volumes/data.qcow2')).status, 204);
    assert.equal((await api('PUT', '/storage/pools/pool2/autostart', { autostart: false })).status, 204);
    assert.equal((await api('POST', '/storage/pools/pool2/stop')).status, 204);
    assert.equal((await api('DELETE', '/storage/pools/pool2')).status, 204);
    assert.equal(code((await api('GET', '/storage/pools/pool2')).json), 'POOL_NOT_FOUND');
  });

  it('networks: create NAT and isolated, stop, start, delete', async () => {
    const nat = await api('POST', '/networks', {
      name: 'lab',
      mode: 'nat',
      bridge: 'qxlab0',
      ipv4: { address: '10.77.0.1', prefix: 24, dhcpStart: '10.77.0.100', dhcpEnd: '10.77.0.200' },
    });
    assert.equal(nat.status, 201, nat.text);
    const n = NetworkSummary.parse(nat.json);
    assert.deepEqual([n.mode, n.ipv4, n.active, n.autostart], ['nat', '10.77.0.1/24', true, true]);
    const iso = await api('POST', '/networks', { name: 'isolated1', mode: 'isolated', bridge: 'qxiso0' });
    assert.equal(NetworkSummary.parse(iso.json).mode, 'isolated');
    assert.equal((await api('POST', '/networks/lab/stop')).status, 204);
    assert.equal((await api('POST', '/networks/lab/start')).status, 204);
    assert.equal((await api('DELETE', '/networks/lab')).status, 204);
    assert.equal((await api('DELETE', '/networks/isolated1')).status, 204);
    assert.equal(code((await api('DELETE', '/networks/lab')).json), 'NETWORK_NOT_FOUND');
  });

  it('serves the hardware inventory with PCI devices', async () => {
    const res = await api('GET', '/host/hardware');
    assert.equal(res.status, 200, res.text);
    const hw = HardwareReport.parse(res.json);
    assert.ok(hw.cpu.threads > 0);
    assert.ok(Array.isArray(hw.pci));
  });

  it('pages through the appliance log and filters it', async () => {
    const sources = (await api('GET', '/logs/sources')).json as {
      backend: string;
      sources: Array<{ id: string }>;
    };
    assert.equal(sources.backend, 'files', 'no journald on this machine');
    assert.ok(sources.sources.some((s) => s.id === 'quantix-host'));
    const page = LogPage.parse((await api('GET', '/logs?source=quantix-host&limit=5')).json);
    assert.equal(page.entries.length, 5);
    assert.ok(page.nextBefore, 'more pages');
    const older = LogPage.parse(
      (
        await api(
          'GET',
          `/logs?source=quantix-host&limit=5&before=${encodeURIComponent(page.nextBefore ?? '')}`,
        )
      ).json,
    );
    assert.ok(older.entries.length > 0);
    assert.ok(older.entries[0] && page.entries[4] && older.entries[0].timestamp <= page.entries[4].timestamp);
    const text = LogPage.parse(
      (await api('GET', '/logs?source=quantix-host&text=hypervisor%20available&limit=10')).json,
    );
    assert.ok(text.entries.every((e) => /hypervisor available/i.test(e.message)));
    assert.equal((await api('GET', '/logs?level=loud')).status, 400);
  });

  it('streams per-VM stats to subscribers', async () => {
    const ack = await socket.timeout(5000).emitWithAck('vms:subscribe');
    assert.ok(ack.ok);
    const tick = await new Promise<{ vms: Array<{ uuid: string; state: string }> }>((resolve) =>
      socket.once('vms:stats', (s) => resolve(s)),
    );
    assert.ok(
      tick.vms.some((v) => v.state === 'running'),
      'the fixture VM runs',
    );
    await socket.timeout(5000).emitWithAck('vms:unsubscribe');
  });
});
