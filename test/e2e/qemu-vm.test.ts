import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CpuCapabilities,
  ErrorBody,
  EventList,
  FileListing,
  PoolSummary,
  TaskList,
  VolumeList,
  UploadResult,
  type VmChanged,
  VmDetail,
  VolumeSummary,
} from '@quantix/shared';
import { WebSocket } from 'ws';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import { probeGuestsGone, warmQemuCapabilities } from '../support/libvirtd.ts';
import type { CookieJar } from '../support/https-client.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

/** A file QEMU accepts as a CD and our upload accepts as an ISO: ISO 9660's "CD001" at 0x8001. */
function tinyIso(): Buffer {
  const b = Buffer.alloc(64 * 1024);
  b.write('\x01CD001\x01', 0x8000, 'latin1');
  return b;
}

// A real libvirtd with QEMU (software emulation: there is no /dev/kvm here).
describe('end to end on a real libvirt daemon with QEMU', () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxpool'));
  // QEMU runs as libvirt-qemu and must reach the disk files: mkdtemp makes the directory 0700
  chmodSync(poolDir, 0o755);
  const poolName = `e2e${Date.now().toString(36)}`;
  let qx: AdminHost | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let api: AdminHost['api'];
  let socket: HostSocket;
  const changes: VmChanged[] = [];
  let uuid = '';

  before(async () => {
    qx = await startAdminHost({
      dataDir: data.dir,
      libvirt: 'system',
      apiTimeoutMs: 120_000,
      beforeHost: warmQemuCapabilities,
    });
    ({ host, admin, api } = qx);
    socket = openSocket(host, admin);
    socket.on('vm:changed', (c) => changes.push(c));
    await connected(socket);
  });
  after(async () => {
    socket?.close();
    // leave nothing behind on the daemon, whatever failed
    const left = (
      (await api('GET', '/vms').catch(() => null))?.json as
        | { vms?: Array<{ uuid: string; name: string }> }
        | undefined
    )?.vms?.find((v) => v.name === `qx-${poolName}`);
    if (left) uuid = left.uuid;
    if (uuid) {
      await api('POST', `/vms/${uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await api('POST', `/storage/pools/${poolName}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${poolName}`).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });
  /** the event log's messages once one satisfies `pred` (bounded wait: events are written after the answer) */
  const auditMessages = async (pred: (m: string) => boolean = () => true) => {
    let messages: string[] = [];
    for (let i = 0; i < 100; i++) {
      messages = EventList.parse((await api('GET', '/events?limit=200')).json).events.map((e) => e.message);
      if (messages.some(pred)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return messages;
  };
  const waitFor = async (pred: (c: VmChanged) => boolean, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (changes.some(pred)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no vm:changed for ${what}: ${JSON.stringify(changes.map((c) => [c.event, c.vm?.state]))}`);
  };

  it('creates a dir pool on the daemon', async () => {
    const res = await api('POST', '/storage/pools', { type: 'dir', name: poolName, path: poolDir });
    assert.equal(res.status, 201, res.text);
    const pool = PoolSummary.parse(res.json);
    assert.equal(pool.state, 'running');
    assert.ok(pool.capacity > 0, 'real capacity from the filesystem');
    // free is what a non-root writer can use (df's "Avail"), not libvirt's figure with root's reserve
    const fs = statfsSync(poolDir);
    const avail = fs.bavail * fs.bsize;
    assert.ok(Math.abs(pool.available - avail) < 64 * 2 ** 20, `${pool.available} vs statfs ${avail}`);
  });

  it('uploads an ISO into the pool and browses it', async () => {
    const iso = tinyIso();
    const res = await host.api(`/api/v1/storage/pools/${poolName}/files/installer.iso`, {
      method: 'PUT',
      jar: admin,
      body: iso.toString('latin1'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(UploadResult.parse(res.json).size, iso.length);
    const tasks = TaskList.parse((await api('GET', `/tasks?target=pool:${poolName}`)).json).tasks;
    const task = tasks.find((t) => t.title === 'Upload "installer.iso"');
    assert.equal(task?.status, 'ok', 'the upload is a task in the task list');
    const listing = FileListing.parse((await api('GET', `/storage/pools/${poolName}/files`)).json);
    const entry = listing.entries.find((e) => e.name === 'installer.iso');
    assert.ok(entry, 'listed');
    assert.equal(entry.type, 'iso');
    assert.equal(entry.size, iso.length);
    const vols = (
      (await api('GET', `/storage/pools/${poolName}/volumes`)).json as { volumes: unknown[] }
    ).volumes.map((v) => VolumeSummary.parse(v));
    assert.ok(
      vols.some((v) => v.name === 'installer.iso'),
      'libvirt sees the upload as a volume',
    );
    assert.ok(
      (await auditMessages()).some(
        (m) => m.startsWith('"installer.iso"') && m.endsWith(`uploaded to pool "${poolName}"`),
      ),
      'the upload is in the event log',
    );
    const outside = await api('GET', `/storage/pools/${poolName}/files?path=..%2F..%2Fetc`);
    assert.equal(outside.status, 403);
  });

  it('probes which guest CPUs start here and defaults to one that does', async () => {
    let caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    for (let i = 0; i < 300 && caps.probing; i++) {
      await new Promise((r) => setTimeout(r, 100));
      caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    }
    assert.equal(caps.probing, false);
    const dflt = caps.options.find((o) => JSON.stringify(o.cpu) === JSON.stringify(caps.default));
    assert.equal(dflt?.status, 'ok', `the default CPU starts guests here: ${JSON.stringify(caps.default)}`);
    if (caps.virtType === 'kvm') {
      assert.equal(caps.default.mode, 'custom', 'a named, portable model by default');
      for (const mode of ['host-passthrough', 'host-model']) {
        const o = caps.options.find((x) => x.cpu.mode === mode);
        assert.ok(o && (o.status === 'ok' || o.status === 'failed'), `${mode} was probed: ${o?.status}`);
      }
    }
    // the probe's throw-away guests are gone (another suite's host may be probing on this daemon
    // right now: its guests live about a second) and were never listed
    assert.deepEqual(await probeGuestsGone('cpu'), [], 'no probe guest lingers');
    const vms = (await api('GET', '/vms')).json as { vms: Array<{ name: string }> };
    assert.ok(!vms.vms.some((v) => v.name.startsWith('qx-cpu-probe-')));
  });

  it('creates a VM with a disk and the ISO, starts it and sees vm:changed', async () => {
    const res = await api('POST', '/vms', {
      name: `qx-${poolName}`,
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool: poolName, sizeGiB: 1, format: 'qcow2' }],
      cdrom: { pool: poolName, volume: 'installer.iso' },
      network: { type: 'user' },
      bootOrder: ['cdrom', 'hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    const vm = VmDetail.parse(res.json);
    uuid = vm.uuid;
    assert.equal(vm.state, 'shutoff');
    const start = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    await waitFor((c) => c.uuid === uuid && c.event === 'started' && c.vm?.state === 'running', 'started');
    // KVM where libvirt offers it (these machines have a working /dev/kvm), software emulation else
    const kvm =
      spawnSync('virsh', ['-c', 'qemu:///system', 'domcapabilities', '--virttype', 'kvm'], {
        stdio: 'ignore',
      }).status === 0;
    const xml = ((await api('GET', `/vms/${uuid}/xml`)).json as { xml: string }).xml;
    assert.match(xml, kvm ? /<domain type='kvm'/ : /<domain type='qemu'/);
    const detail = VmDetail.parse((await api('GET', `/vms/${uuid}`)).json);
    assert.ok(detail.graphics[0]?.port && detail.graphics[0].port >= 5900, 'VNC got a port');
    assert.equal(detail.graphics[0]?.listen, '127.0.0.1');
    // the wizard's disk is known as a pool volume, with its size
    const disk = detail.disks.find((d) => d.device === 'disk');
    assert.deepEqual(
      [disk?.pool, disk?.volume, disk?.capacity],
      [poolName, `qx-${poolName}-disk0.qcow2`, 1024 ** 3],
    );
    const caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    assert.deepEqual(
      detail.cpu,
      caps.default.mode === 'custom'
        ? { mode: 'custom', model: caps.default.model }
        : { mode: caps.default.mode, model: null },
    );
  });

  it('opens the console: the proxy speaks VNC to an authenticated session only', async () => {
    const url = `wss://127.0.0.1:${host.port}/api/v1/vms/${uuid}/console`;
    const banner = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(url, ['binary'], {
        ca: host.ca,
        headers: { cookie: admin.header(), origin: host.origin },
      });
      ws.on('message', (d: Buffer) => {
        resolve(d.toString('latin1'));
        ws.close();
      });
      ws.on('error', reject);
    });
    assert.match(banner, /^RFB 003\.00[38]\n/);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, ['binary'], { ca: host.ca, headers: { origin: host.origin } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    assert.equal(refused, 401);
    const crossSite = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, ['binary'], {
        ca: host.ca,
        headers: { cookie: admin.header(), origin: 'https://evil.example' },
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    assert.equal(crossSite, 403);
  });

  it('refuses to resize the disk under the running guest', async () => {
    const res = await api('POST', `/storage/pools/${poolName}/volumes/qx-${poolName}-disk0.qcow2/resize`, {
      sizeGiB: 2,
    });
    assert.equal(res.status, 409);
    assert.match(res.text, /VOLUME_IN_USE/);
  });

  it('keeps listing pools and volumes when a file is deleted behind libvirt’s back', async () => {
    writeFileSync(join(poolDir, 'g.img'), Buffer.alloc(4096));
    let vols = VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json);
    assert.ok(
      vols.volumes.some((v) => v.name === 'g.img'),
      'seen after the refresh',
    );
    unlinkSync(join(poolDir, 'g.img'));
    const pools = await api('GET', '/storage/pools');
    assert.equal(pools.status, 200, pools.text);
    assert.ok((pools.json as { pools: Array<{ name: string }> }).pools.some((p) => p.name === poolName));
    vols = VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json);
    assert.equal(
      vols.volumes.some((v) => v.name === 'g.img'),
      false,
    );
    assert.ok(
      vols.volumes.some((v) => v.name === 'installer.iso'),
      'the rest is still listed',
    );
    // an upload's temporary file is not a volume
    writeFileSync(join(poolDir, '.upload-0123456789abcdef.part'), 'x');
    vols = VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json);
    assert.ok(!vols.volumes.some((v) => v.name.startsWith('.upload-')));
    unlinkSync(join(poolDir, '.upload-0123456789abcdef.part'));
  });

  it('forces it off, resizes its disk on real storage, and deletes it with its volumes', async () => {
    const off = await api('POST', `/vms/${uuid}/actions/destroy`);
    assert.equal(off.status, 200, off.text);
    await waitFor((c) => c.uuid === uuid && c.event === 'stopped' && c.vm?.state === 'shutoff', 'stopped');
    // a CPU QEMU does not know: the start fails, and says what to do instead of QEMU's words alone
    const bad = await api('PUT', `/vms/${uuid}/cpu`, { cpu: { mode: 'custom', model: 'qx-no-such-cpu' } });
    assert.equal(bad.status, 200, bad.text);
    const failed = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(failed.status, 502, failed.text);
    const err = ErrorBody.parse(failed.json).error;
    assert.ok(
      (await auditMessages((m) => m === err.message)).includes(err.message),
      'the failed start is logged',
    );
    assert.equal(err.code, 'VM_START_FAILED');
    assert.match(err.message, new RegExp(`^"qx-${poolName}" did not start: .+\\. .+`));
    assert.ok(
      (await auditMessages((m) => m === err.message)).includes(err.message),
      'the failed start is logged',
    );
    const caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    const back = await api('PUT', `/vms/${uuid}/cpu`, { cpu: caps.default });
    assert.equal(VmDetail.parse(back.json).cpu.mode, caps.default.mode);
    const diskName = `qx-${poolName}-disk0.qcow2`;
    const resize = await api('POST', `/storage/pools/${poolName}/volumes/${diskName}/resize`, { sizeGiB: 2 });
    assert.equal(resize.status, 204, resize.text);
    const vol = (
      (await api('GET', `/storage/pools/${poolName}/volumes`)).json as { volumes: unknown[] }
    ).volumes
      .map((v) => VolumeSummary.parse(v))
      .find((v) => v.name === diskName);
    assert.equal(vol?.capacity, 2 * 1024 ** 3);
    const del = await api('DELETE', `/vms/${uuid}?deleteVolumes=true`);
    assert.equal(del.status, 204, del.text);
    await waitFor((c) => c.uuid === uuid && c.vm === null, 'undefined');
    const vols = (
      (await api('GET', `/storage/pools/${poolName}/volumes`)).json as { volumes: Array<{ name: string }> }
    ).volumes;
    assert.deepEqual(
      vols.map((v) => v.name),
      ['installer.iso'],
      'the disk went with the VM, the ISO stayed',
    );
    uuid = '';
  });
});
