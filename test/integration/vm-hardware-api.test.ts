import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, EventList, VmDetail, VmHardware, VmHardwareResult, VolumeSummary } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

// The Hardware tab's API on libvirt's test driver, through the real host and libvirt-dbus. The
// test driver has no device hot-plug (AttachDevice, UpdateDevice, BlockResize): what a running VM
// would get live is pending there, which is what its answers must say.
describe('VM hardware API on test:///default', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  let uuid = '';
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    await host?.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });
  const hw = async () => VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json);
  const ok = (res: { status: number; text: string; json: unknown }, status = 200) => {
    assert.equal(res.status, status, res.text);
    return VmHardwareResult.parse(res.json);
  };
  const xml = async () => ((await api('GET', `/vms/${uuid}/xml`)).json as { xml: string }).xml;

  it('reads a stopped VM’s hardware: one definition, nothing pending', async () => {
    const res = await api('POST', '/vms', {
      name: 'qxhw-api',
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
      network: { type: 'user' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    uuid = VmDetail.parse(res.json).uuid;
    const h = await hw();
    assert.equal(h.state, 'shutoff');
    assert.equal(h.live, null);
    assert.deepEqual(h.pending, []);
    assert.deepEqual(
      [h.config.vcpus, h.config.maxVcpus, h.config.memoryMiB, h.config.currentMemoryMiB],
      [1, 1, 256, 256],
    );
    assert.deepEqual(h.config.disks[0]?.capacity, 1024 ** 3);
    assert.equal(h.config.nics[0]?.link, 'up');
    assert.deepEqual(h.autostart, { enabled: false, order: null, delaySeconds: 0 });
  });

  it('changes vCPUs, topology, memory, CPU, boot order, description and autostart', async () => {
    const r = ok(
      await api('PATCH', `/vms/${uuid}/hardware`, {
        vcpus: 2,
        maxVcpus: 4,
        topology: { sockets: 2, cores: 2, threads: 1 },
        memoryMiB: 512,
        currentMemoryMiB: 384,
        cpu: { mode: 'maximum' },
        bootOrder: ['hd', 'network'],
        description: 'a <b>web</b> & "db"',
        autostart: { enabled: true, order: 3, delaySeconds: 20 },
      }),
    );
    const c = r.hardware.config;
    assert.deepEqual(
      [c.vcpus, c.maxVcpus, c.topology, c.memoryMiB, c.currentMemoryMiB],
      [2, 4, { sockets: 2, cores: 2, threads: 1 }, 512, 384],
    );
    assert.deepEqual(c.bootOrder, ['hd', 'network']);
    assert.equal(c.description, 'a <b>web</b> & "db"');
    assert.deepEqual(r.hardware.autostart, { enabled: true, order: 3, delaySeconds: 20 });
    assert.deepEqual(r.hardware.pending, [], 'a stopped VM has nothing pending');
    const x = await xml();
    assert.match(x, /<vcpu placement='static' current='2'>4<\/vcpu>/);
    assert.match(x, /<topology sockets='2' dies='1' cores='2' threads='1'\/>/);
    assert.match(x, /<currentMemory unit='KiB'>393216<\/currentMemory>/);
    assert.match(x, /start-order>3</);
    // only the vCPU count: the maximum stays, the topology with it
    const only = ok(await api('PATCH', `/vms/${uuid}/hardware`, { vcpus: 3 })).hardware.config;
    assert.deepEqual([only.vcpus, only.maxVcpus, only.topology?.sockets], [3, 4, 2]);
    const detail = VmDetail.parse((await api('GET', `/vms/${uuid}`)).json);
    assert.equal(detail.vcpus, 3, 'the VM list and detail see the change');
    const events = EventList.parse((await api('GET', '/events?limit=50')).json).events.map((e) => e.message);
    assert.ok(
      events.some((m) => m.startsWith('VM "qxhw-api": vCPUs 2 of 4')),
      events.join('\n'),
    );
  });

  it('refuses impossible edits with clear codes', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['PATCH', `/vms/${uuid}/hardware`, { vcpus: 5, maxVcpus: 4 }, 400, 'VALIDATION_FAILED'],
      [
        'PATCH',
        `/vms/${uuid}/hardware`,
        { maxVcpus: 4, topology: { sockets: 1, cores: 2, threads: 1 } },
        400,
        'VALIDATION_FAILED',
      ],
      ['PATCH', `/vms/${uuid}/hardware`, { currentMemoryMiB: 1024 }, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/vms/${uuid}/hardware`, { bootOrder: ['cdrom'] }, 409, 'EDIT_REFUSED'],
      ['PATCH', `/vms/${uuid}/hardware`, {}, 400, 'VALIDATION_FAILED'],
      ['PATCH', `/vms/${uuid}/hardware`, { cpu: { mode: 'custom', model: 'a b' } }, 400, 'VALIDATION_FAILED'],
      ['DELETE', `/vms/${uuid}/hardware/disks/vda`, undefined, 409, 'EDIT_REFUSED'],
      ['PATCH', `/vms/${uuid}/hardware/disks/vda`, { sizeGiB: 0.5 }, 409, 'EDIT_REFUSED'],
      ['PATCH', `/vms/${uuid}/hardware/disks/vda`, { media: null }, 409, 'EDIT_REFUSED'],
      ['PATCH', `/vms/${uuid}/hardware/disks/vdq`, { bus: 'sata' }, 404, 'DEVICE_NOT_FOUND'],
      ['PATCH', `/vms/${uuid}/hardware/disks/..`, { bus: 'sata' }, 400, 'VALIDATION_FAILED'],
      ['DELETE', `/vms/${uuid}/hardware/nics/52:54:00:00:00:00`, undefined, 404, 'DEVICE_NOT_FOUND'],
      [
        'POST',
        `/vms/${uuid}/hardware/nics`,
        { network: { type: 'user' }, mac: 'zz' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'POST',
        `/vms/${uuid}/hardware/nics`,
        { network: { type: 'network', name: 'nope' } },
        404,
        'NETWORK_NOT_FOUND',
      ],
      [
        'POST',
        `/vms/${uuid}/hardware/disks`,
        { source: 'volume', pool: 'default-pool', volume: 'nope.qcow2' },
        404,
        'VOLUME_NOT_FOUND',
      ],
      ['POST', `/vms/${uuid}/hardware/disks`, { source: 'cdrom', bus: 'virtio' }, 400, 'VALIDATION_FAILED'],
    ];
    const before = await xml();
    for (const [method, path, body, status, want] of cases) {
      const res = await api(method, path, body);
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.equal(code(res.json), want, `${method} ${path} ${JSON.stringify(body)}`);
    }
    assert.equal(await xml(), before, 'nothing was changed');
  });

  it('adds a new disk in a pool, moves it to SCSI, and deletes it with its volume', async () => {
    const added = ok(
      await api('POST', `/vms/${uuid}/hardware/disks`, {
        source: 'new',
        pool: 'default-pool',
        sizeGiB: 2,
        format: 'raw',
      }),
      201,
    );
    const disk = added.hardware.config.disks.find((d) => d.target === 'vdb');
    assert.deepEqual(
      [disk?.bus, disk?.volume, disk?.capacity],
      ['virtio', 'qxhw-api-disk1.img', 2 * 1024 ** 3],
    );
    const moved = ok(await api('PATCH', `/vms/${uuid}/hardware/disks/vdb`, { bus: 'scsi' }));
    assert.ok(moved.hardware.config.disks.some((d) => d.target === 'sda' && d.bus === 'scsi'));
    assert.match(await xml(), /<controller type='scsi' index='0' model='virtio-scsi'/);
    // the volume is in use by this VM now: attaching it again is refused
    const again = await api('POST', `/vms/${uuid}/hardware/disks`, {
      source: 'volume',
      pool: 'default-pool',
      volume: 'qxhw-api-disk1.img',
    });
    assert.equal(code(again.json), 'EDIT_REFUSED');
    const removed = ok(await api('DELETE', `/vms/${uuid}/hardware/disks/sda?deleteVolume=true`));
    assert.deepEqual(
      removed.hardware.config.disks.map((d) => d.target),
      ['vda'],
    );
    const vols = (
      (await api('GET', '/storage/pools/default-pool/volumes')).json as { volumes: unknown[] }
    ).volumes
      .map((v) => VolumeSummary.parse(v).name)
      .filter((n) => n.startsWith('qxhw-api'));
    assert.deepEqual(vols, ['qxhw-api-disk0.qcow2']);
  });

  it('adds a CD-ROM drive, inserts, swaps and ejects an ISO, and boots from it', async () => {
    for (const name of ['a.iso', 'b.iso']) {
      const v = await api('POST', '/storage/pools/default-pool/volumes', {
        name,
        format: 'raw',
        sizeGiB: 0.001,
      });
      assert.equal(v.status, 201, v.text);
    }
    const drive = ok(
      await api('POST', `/vms/${uuid}/hardware/disks`, {
        source: 'cdrom',
        media: { pool: 'default-pool', volume: 'a.iso' },
      }),
      201,
    );
    const cd = drive.hardware.config.disks.find((d) => d.device === 'cdrom');
    assert.deepEqual([cd?.target, cd?.bus, cd?.volume], ['sda', 'sata', 'a.iso']);
    const swapped = ok(
      await api('PATCH', `/vms/${uuid}/hardware/disks/sda`, {
        media: { pool: 'default-pool', volume: 'b.iso' },
      }),
    );
    assert.equal(swapped.hardware.config.disks.find((d) => d.target === 'sda')?.volume, 'b.iso');
    ok(await api('PATCH', `/vms/${uuid}/hardware`, { bootOrder: ['cdrom'] }));
    const ejected = ok(await api('PATCH', `/vms/${uuid}/hardware/disks/sda`, { media: null }));
    assert.equal(ejected.hardware.config.disks.find((d) => d.target === 'sda')?.source, null);
    // the only CD drive of a VM that boots only from CD stays
    assert.equal(code((await api('DELETE', `/vms/${uuid}/hardware/disks/sda`)).json), 'EDIT_REFUSED');
    // beside a disk, it leaves the boot order with the drive
    ok(await api('PATCH', `/vms/${uuid}/hardware`, { bootOrder: ['cdrom', 'hd'] }));
    const gone = ok(await api('DELETE', `/vms/${uuid}/hardware/disks/sda`));
    assert.deepEqual(gone.hardware.config.bootOrder, ['hd']);
  });

  it('adds, changes and removes NICs', async () => {
    const added = ok(
      await api('POST', `/vms/${uuid}/hardware/nics`, {
        network: { type: 'network', name: 'default' },
        model: 'e1000e',
        mac: '52:54:00:12:34:56',
        link: 'down',
      }),
      201,
    );
    assert.deepEqual(added.hardware.config.nics[1], {
      mac: '52:54:00:12:34:56',
      type: 'network',
      source: 'default',
      model: 'e1000e',
      link: 'down',
    });
    const dup = await api('POST', `/vms/${uuid}/hardware/nics`, {
      network: { type: 'user' },
      mac: '52:54:00:12:34:56',
    });
    assert.equal(code(dup.json), 'EDIT_REFUSED');
    const changed = ok(
      await api('PATCH', `/vms/${uuid}/hardware/nics/52:54:00:12:34:56`, {
        network: { type: 'bridge', name: 'br0' },
        model: 'rtl8139',
        link: 'up',
      }),
    );
    assert.deepEqual(changed.hardware.config.nics[1], {
      mac: '52:54:00:12:34:56',
      type: 'bridge',
      source: 'br0',
      model: 'rtl8139',
      link: 'up',
    });
    const gone = ok(await api('DELETE', `/vms/${uuid}/hardware/nics/52:54:00:12:34:56`));
    assert.equal(gone.hardware.config.nics.length, 1);
    const mac = gone.hardware.config.nics[0]?.mac ?? '';
    // a MAC of our own when none is asked for
    const auto = ok(await api('POST', `/vms/${uuid}/hardware/nics`, { network: { type: 'user' } }), 201);
    assert.match(auto.hardware.config.nics[1]?.mac ?? '', /^52:54:00:/);
    assert.ok(auto.hardware.config.nics.some((n) => n.mac === mac));
  });

  it('on a running VM: live where the driver can, pending (and said so) where it cannot', async () => {
    ok(
      await api('PATCH', `/vms/${uuid}/hardware`, {
        vcpus: 2,
        maxVcpus: 2,
        topology: null,
        currentMemoryMiB: 512,
      }),
    );
    const start = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    const h0 = await hw();
    assert.equal(h0.state, 'running');
    assert.deepEqual(h0.pending, []);
    // the balloon, live (the test driver has SetMemory)
    const mem = ok(await api('PATCH', `/vms/${uuid}/hardware`, { currentMemoryMiB: 300 }));
    assert.ok(
      mem.notes.some((n) => /balloon.*applied to the running VM/.test(n)),
      mem.notes.join('; '),
    );
    assert.equal(mem.hardware.live?.currentMemoryMiB, 300);
    // fewer vCPUs and a bigger maximum: next start
    const cpus = ok(await api('PATCH', `/vms/${uuid}/hardware`, { memoryMiB: 1024, currentMemoryMiB: 300 }));
    assert.ok(cpus.hardware.pending.includes('memory'), JSON.stringify(cpus.hardware.pending));
    assert.equal(cpus.hardware.live?.memoryMiB, 512);
    assert.equal(cpus.hardware.config.memoryMiB, 1024);
    // beyond the running maximum is refused: the maximum must go up first (from the next start)
    const beyond = await api('PATCH', `/vms/${uuid}/hardware`, { vcpus: 3 });
    assert.equal(beyond.status, 409, beyond.text);
    assert.equal(code(beyond.json), 'EDIT_REFUSED');
    // a NIC: no hot-plug on this driver, so it waits for the next start
    const nic = ok(
      await api('POST', `/vms/${uuid}/hardware/nics`, {
        network: { type: 'user' },
        mac: '52:54:00:aa:bb:01',
      }),
      201,
    );
    assert.ok(nic.hardware.pending.includes('nic:52:54:00:aa:bb:01'));
    assert.ok(nic.notes.some((n) => /next start/.test(n)));
    // a new disk waits for the next start too: its volume is in use all the same
    const disk = ok(
      await api('POST', `/vms/${uuid}/hardware/disks`, {
        source: 'new',
        pool: 'default-pool',
        sizeGiB: 1,
        format: 'raw',
      }),
      201,
    );
    const waiting = disk.hardware.config.disks.find(
      (d) => d.volume && !disk.hardware.live?.disks.some((l) => l.target === d.target),
    );
    assert.ok(waiting?.volume, JSON.stringify(disk.hardware));
    const busy = await api('DELETE', `/storage/pools/default-pool/volumes/${waiting.volume}`);
    assert.equal(busy.status, 409, busy.text);
    assert.equal(code(busy.json), 'VOLUME_IN_USE');
    // the volume of a disk cannot be deleted under a running guest
    const del = await api('DELETE', `/vms/${uuid}/hardware/disks/vda?deleteVolume=true`);
    assert.equal(code(del.json), 'VM_STATE_INVALID');
    // the plain XML endpoint stays the live one
    assert.match(await xml(), /<memory unit='KiB'>524288<\/memory>/);
    const stop = await api('POST', `/vms/${uuid}/actions/destroy`);
    assert.equal(stop.status, 200, stop.text);
    const off = await hw();
    assert.deepEqual(off.pending, []);
    assert.equal(off.config.memoryMiB, 1024);
    assert.ok(off.config.nics.some((n) => n.mac === '52:54:00:aa:bb:01'));
  });

  it('removes the VM again', async () => {
    const res = await api('DELETE', `/vms/${uuid}?deleteVolumes=true`);
    assert.equal(res.status, 204, res.text);
    for (const name of ['a.iso', 'b.iso']) {
      await api('DELETE', `/storage/pools/default-pool/volumes/${name}`);
    }
    assert.equal((await api('GET', `/vms/${uuid}/hardware`)).status, 404);
  });
});
