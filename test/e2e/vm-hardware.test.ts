import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CpuCapabilities, ErrorBody, VmDetail, VmHardware, VmHardwareResult } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { ensureLibvirtd } from '../support/libvirtd.ts';

const URI = 'qemu:///system';
const virsh = (...args: string[]) => execFileSync('virsh', ['-q', '-c', URI, ...args], { encoding: 'utf8' });

/** The text of the first `<tag …>…</tag>` (or `<tag …/>`) element whose markup contains `has`. */
function element(xml: string, tag: string, has: string): string | undefined {
  const re = new RegExp(`<${tag}\\b[^>]*?(?:/>|>[\\s\\S]*?</${tag}>)`, 'g');
  return xml.match(re)?.find((e) => e.includes(has));
}

// Every hardware item edited through the API on the real libvirtd (QEMU under TCG), checked in
// `virsh dumpxml` (the running guest) and `virsh dumpxml --inactive` (the next start).
describe('VM hardware on a real libvirt daemon with QEMU', () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxhw'));
  chmodSync(poolDir, 0o755); // QEMU runs as libvirt-qemu
  const id = randomBytes(4).toString('hex');
  const pool = `qxhw${id}`;
  const name = `qxhw-${id}`;
  let daemon: ReturnType<typeof ensureLibvirtd>;
  let host: RunningHost;
  let admin: CookieJar;
  let uuid = '';

  before(async () => {
    daemon = ensureLibvirtd();
    assert.equal(daemon.uri, URI, 'a real libvirt daemon must run for this suite (run as root)');
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: URI } });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    const res = await api('POST', '/storage/pools', { type: 'dir', name: pool, path: poolDir });
    assert.equal(res.status, 201, res.text);
    for (const iso of ['a.iso', 'b.iso', 'data.qcow2']) {
      const format = iso.endsWith('.qcow2') ? 'qcow2' : 'raw';
      const v = await api('POST', `/storage/pools/${pool}/volumes`, { name: iso, format, sizeGiB: 0.01 });
      assert.equal(v.status, 201, v.text);
    }
  });
  after(async () => {
    // leave nothing on the daemon, whatever failed
    if (!uuid) {
      const vms = (await api('GET', '/vms').catch(() => null))?.json as
        | { vms?: Array<{ uuid: string; name: string }> }
        | undefined;
      uuid = vms?.vms?.find((v) => v.name === name)?.uuid ?? '';
    }
    if (uuid) {
      await api('POST', `/vms/${uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await api('POST', `/storage/pools/${pool}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${pool}`).catch(() => undefined);
    await host?.stop();
    daemon?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body, timeoutMs: 120_000 });
  const edit = async (method: string, path: string, body?: unknown) => {
    const res = await api(method, `/vms/${uuid}/hardware${path}`, body);
    assert.ok(res.status === 200 || res.status === 201, `${method} ${path}: ${res.text}`);
    return VmHardwareResult.parse(res.json);
  };
  const live = () => virsh('dumpxml', name);
  const config = () => virsh('dumpxml', '--inactive', name);
  const volPath = (vol: string) => join(poolDir, vol);

  it('creates a VM with a disk, a CD and a user-mode NIC', async () => {
    const res = await api('POST', '/vms', {
      name,
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool, sizeGiB: 1, format: 'qcow2' }],
      cdrom: { pool, volume: 'a.iso' },
      network: { type: 'user' },
      bootOrder: ['cdrom', 'hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    uuid = VmDetail.parse(res.json).uuid;
  });

  it('edits vCPUs, topology, memory, CPU, boot order, description and autostart of the stopped VM', async () => {
    const caps = CpuCapabilities.parse((await api('GET', '/hypervisor/cpu')).json);
    const current = VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json).config.cpu;
    // another CPU that starts guests here, if the host has one; else the default again
    const other =
      caps.options.find(
        (o) =>
          o.status === 'ok' &&
          JSON.stringify({ mode: o.cpu.mode, model: o.cpu.mode === 'custom' ? o.cpu.model : null }) !==
            JSON.stringify(current),
      )?.cpu ?? caps.default;
    const r = await edit('PATCH', '', {
      vcpus: 1,
      maxVcpus: 2,
      topology: { sockets: 1, cores: 2, threads: 1 },
      memoryMiB: 256,
      currentMemoryMiB: 192,
      cpu: other,
      bootOrder: ['hd', 'cdrom'],
      description: 'edited <by> qxhw & co',
      autostart: { enabled: true, order: 2, delaySeconds: 5 },
    });
    assert.deepEqual(r.hardware.pending, []);
    const x = config();
    assert.match(x, /<vcpu placement='static' current='1'>2<\/vcpu>/);
    assert.match(x, /<topology sockets='1' dies='1' cores='2' threads='1'\/>/);
    assert.match(x, /<memory unit='KiB'>262144<\/memory>/);
    assert.match(x, /<currentMemory unit='KiB'>196608<\/currentMemory>/);
    if (other.mode === 'custom')
      assert.match(x, new RegExp(`<model fallback='forbid'>${other.model}</model>`));
    else assert.match(x, new RegExp(`<cpu mode='${other.mode}'`));
    assert.match(x, /<boot dev='hd'\/>\s*<boot dev='cdrom'\/>/);
    assert.match(x, /<description>edited &lt;by&gt; qxhw &amp; co<\/description>/);
    assert.match(x, /<quantix:start-order>2<\/quantix:start-order>/);
    // with a start order the host starts it at boot, in order: libvirt's own flag is off
    assert.equal(r.hardware.autostartBy, 'host');
    assert.match(x, /<quantix:start-at-boot>yes<\/quantix:start-at-boot>/);
    assert.match(virsh('dominfo', name), /Autostart:\s+disable/);
    // without an order, libvirt's flag
    const unordered = await edit('PATCH', '', { autostart: { order: null } });
    assert.equal(unordered.hardware.autostartBy, 'libvirt');
    assert.match(virsh('dominfo', name), /Autostart:\s+enable/);
    // the VM would autostart with the daemon: not this test's VM
    await edit('PATCH', '', { autostart: { enabled: false } });
    assert.match(virsh('dominfo', name), /Autostart:\s+disable/);
    assert.doesNotMatch(config(), /start-at-boot/);
  });

  it('adds, grows, moves and deletes disks and attaches an existing volume on SCSI', async () => {
    const added = await edit('POST', '/disks', { source: 'new', pool, sizeGiB: 1, format: 'raw' });
    const vdb = added.hardware.config.disks.find((d) => d.target === 'vdb');
    assert.equal(vdb?.volume, `${name}-disk1.img`);
    assert.ok(element(config(), 'disk', `dev='vdb'`)?.includes(volPath(`${name}-disk1.img`)));
    // grown while off: the volume itself (StorageVol Resize)
    const grown = await edit('PATCH', '/disks/vdb', { sizeGiB: 2 });
    assert.equal(grown.hardware.config.disks.find((d) => d.target === 'vdb')?.capacity, 2 * 1024 ** 3);
    assert.match(virsh('vol-info', '--bytes', volPath(`${name}-disk1.img`)), /Capacity:\s+2147483648 bytes/);
    const shrink = await api('PATCH', `/vms/${uuid}/hardware/disks/vdb`, { sizeGiB: 1 });
    assert.equal(ErrorBody.parse(shrink.json).error.code, 'EDIT_REFUSED');
    // to SATA: a new name beside the CD (sda)
    const moved = await edit('PATCH', '/disks/vdb', { bus: 'sata' });
    assert.ok(moved.hardware.config.disks.some((d) => d.target === 'sdb' && d.bus === 'sata'));
    assert.match(
      element(config(), 'disk', volPath(`${name}-disk1.img`)) ?? '',
      /<target dev='sdb' bus='sata'\/>/,
    );
    // an existing volume on SCSI, with the virtio-scsi controller it needs
    const scsi = await edit('POST', '/disks', { source: 'volume', pool, volume: 'data.qcow2', bus: 'scsi' });
    const sd = scsi.hardware.config.disks.find((d) => d.volume === 'data.qcow2');
    assert.deepEqual([sd?.target, sd?.bus, sd?.format], ['sdc', 'scsi', 'qcow2']);
    assert.match(config(), /<controller type='scsi' index='0' model='virtio-scsi'>/);
    // a qcow2 whose backing file is a host file outside the pool is never attached
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      '/etc/hostname',
      '-F',
      'raw',
      volPath('evil.qcow2'),
    ]);
    virsh('pool-refresh', pool);
    const evil = await api('POST', `/vms/${uuid}/hardware/disks`, {
      source: 'volume',
      pool,
      volume: 'evil.qcow2',
    });
    assert.equal(evil.status, 422, evil.text);
    assert.equal(ErrorBody.parse(evil.json).error.code, 'IMAGE_REFUSED');
    assert.equal(element(config(), 'disk', 'evil.qcow2'), undefined);
    // detached (the volume stays), and the SATA disk deleted with its volume
    await edit('DELETE', '/disks/sdc');
    assert.equal(element(config(), 'disk', 'data.qcow2'), undefined);
    assert.match(virsh('vol-list', pool), /data\.qcow2/);
    await edit('DELETE', '/disks/sdb?deleteVolume=true');
    assert.equal(element(config(), 'disk', `${name}-disk1.img`), undefined);
    assert.doesNotMatch(virsh('vol-list', pool), new RegExp(`${name}-disk1`));
  });

  let mac = '';
  it('adds NICs of every kind and model, changes and removes them', async () => {
    const e1000e = await edit('POST', '/nics', {
      network: { type: 'user' },
      model: 'e1000e',
      mac: '52:54:00:9a:00:01',
    });
    assert.equal(e1000e.hardware.config.nics.length, 2);
    assert.match(element(config(), 'interface', '52:54:00:9a:00:01') ?? '', /<model type='e1000e'\/>/);
    await edit('PATCH', '/nics/52:54:00:9a:00:01', { model: 'rtl8139', link: 'down' });
    const nic = element(config(), 'interface', '52:54:00:9a:00:01') ?? '';
    assert.match(nic, /<model type='rtl8139'\/>/);
    assert.match(nic, /<link state='down'\/>/);
    // a bridge (none exists here, so it is defined, never started) and back off again
    await edit('POST', '/nics', { network: { type: 'bridge', name: 'qxhwbr0' }, mac: '52:54:00:9a:00:02' });
    assert.match(element(config(), 'interface', '52:54:00:9a:00:02') ?? '', /<source bridge='qxhwbr0'\/>/);
    await edit('DELETE', '/nics/52:54:00:9a:00:02');
    await edit('DELETE', '/nics/52:54:00:9a:00:01');
    const left = VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json).config.nics;
    assert.equal(left.length, 1);
    mac = left[0]?.mac ?? '';
    assert.equal(element(config(), 'interface', '52:54:00:9a:00:01'), undefined);
  });

  it('starts it with what was set', async () => {
    const start = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    const x = live();
    assert.match(x, /<vcpu placement='static' current='1'>2<\/vcpu>/);
    assert.match(x, /<memory unit='KiB'>262144<\/memory>/);
    const h = VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json);
    assert.equal(h.state, 'running');
    assert.deepEqual(h.pending, []);
  });

  it('swaps and ejects the CD of the running VM live', async () => {
    const swapped = await edit('PATCH', '/disks/sda', { media: { pool, volume: 'b.iso' } });
    assert.ok(
      swapped.notes.some((n) => /applied to the running VM/.test(n)),
      swapped.notes.join('; '),
    );
    assert.match(
      element(live(), 'disk', `dev='sda'`) ?? '',
      new RegExp(`<source file='${volPath('b.iso')}'`),
    );
    assert.match(
      element(config(), 'disk', `dev='sda'`) ?? '',
      new RegExp(`<source file='${volPath('b.iso')}'`),
    );
    assert.deepEqual(swapped.hardware.pending, []);
    await edit('PATCH', '/disks/sda', { media: null });
    // the running guest's drive keeps an empty <source index=…/>: no file in it
    assert.doesNotMatch(element(live(), 'disk', `dev='sda'`) ?? '', /<source file=/);
    assert.doesNotMatch(element(config(), 'disk', `dev='sda'`) ?? '', /<source/);
    assert.equal(
      VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json).live?.disks.find(
        (d) => d.target === 'sda',
      )?.source,
      null,
    );
    await edit('PATCH', '/disks/sda', { media: { pool, volume: 'a.iso' } });
    assert.match(element(live(), 'disk', `dev='sda'`) ?? '', /a\.iso/);
  });

  it('takes the NIC’s link down and up again live', async () => {
    const down = await edit('PATCH', `/nics/${mac}`, { link: 'down' });
    assert.ok(
      down.notes.some((n) => /link down: applied to the running VM/.test(n)),
      down.notes.join('; '),
    );
    assert.match(element(live(), 'interface', mac) ?? '', /<link state='down'\/>/);
    assert.match(element(config(), 'interface', mac) ?? '', /<link state='down'\/>/);
    assert.equal(down.hardware.live?.nics.find((n) => n.mac === mac)?.link, 'down');
    await edit('PATCH', `/nics/${mac}`, { link: 'up' });
    assert.doesNotMatch(element(live(), 'interface', mac) ?? '', /state='down'/);
  });

  it('grows a disk, raises vCPUs and the balloon, and sets the description live', async () => {
    const grown = await edit('PATCH', '/disks/vda', { sizeGiB: 2 });
    assert.ok(
      grown.notes.some((n) => /grown to 2 GiB: applied to the running VM/.test(n)),
      grown.notes.join('; '),
    );
    assert.match(virsh('domblkinfo', name, 'vda'), /Capacity:\s+2147483648/);
    const cpus = await edit('PATCH', '', { vcpus: 2 });
    assert.ok(
      cpus.notes.some((n) => /vCPUs 2: applied to the running VM/.test(n)),
      cpus.notes.join('; '),
    );
    assert.match(live(), /<vcpu placement='static'>2<\/vcpu>/);
    assert.match(config(), /<vcpu placement='static'>2<\/vcpu>/);
    const mem = await edit('PATCH', '', { currentMemoryMiB: 160 });
    assert.ok(
      mem.notes.some((n) => /balloon\) 160 MiB: applied/.test(n)),
      mem.notes.join('; '),
    );
    assert.match(config(), /<currentMemory unit='KiB'>163840<\/currentMemory>/);
    const desc = await edit('PATCH', '', { description: 'live text' });
    assert.ok(
      desc.notes.some((n) => /description: applied/.test(n)),
      desc.notes.join('; '),
    );
    assert.match(live(), /<description>live text<\/description>/);
    assert.match(config(), /<description>live text<\/description>/);
  });

  it('leaves vCPU maximum and memory changes pending, and applies them at the next start', async () => {
    const r = await edit('PATCH', '', {
      vcpus: 3,
      maxVcpus: 3,
      topology: { sockets: 1, cores: 3, threads: 1 },
      memoryMiB: 320,
      currentMemoryMiB: 320,
    });
    for (const item of ['maxVcpus', 'topology', 'memory']) {
      assert.ok(r.hardware.pending.includes(item), `${item} pending: ${r.hardware.pending.join(', ')}`);
    }
    assert.match(live(), /<vcpu placement='static'>2<\/vcpu>/);
    assert.match(live(), /<memory unit='KiB'>262144<\/memory>/);
    assert.match(config(), /<vcpu placement='static'>3<\/vcpu>/);
    assert.match(config(), /<memory unit='KiB'>327680<\/memory>/);
    // a NIC added now: hot-plugged where a PCIe port is free, else at the next start — either way said so
    const nic = await edit('POST', '/nics', {
      network: { type: 'user' },
      mac: '52:54:00:9a:00:03',
      model: 'virtio',
    });
    const liveNow = nic.notes.some((n) => /added: applied to the running VM/.test(n));
    assert.equal(
      element(live(), 'interface', '52:54:00:9a:00:03') !== undefined,
      liveNow,
      nic.notes.join('; '),
    );
    assert.notEqual(element(config(), 'interface', '52:54:00:9a:00:03'), undefined);
    // a disk removed from a running VM goes at the next start
    const cd = await edit('DELETE', '/disks/sda');
    assert.ok(cd.hardware.pending.includes('disk:sda'));
    assert.notEqual(element(live(), 'disk', `dev='sda'`), undefined);
    assert.equal(element(config(), 'disk', `dev='sda'`), undefined);

    const off = await api('POST', `/vms/${uuid}/actions/destroy`);
    assert.equal(off.status, 200, off.text);
    const on = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(on.status, 200, on.text);
    const x = live();
    assert.match(x, /<vcpu placement='static'>3<\/vcpu>/);
    assert.match(x, /<topology sockets='1' dies='1' cores='3' threads='1'\/>/);
    assert.match(x, /<memory unit='KiB'>327680<\/memory>/);
    assert.equal(element(x, 'disk', `dev='sda'`), undefined);
    assert.notEqual(element(x, 'interface', '52:54:00:9a:00:03'), undefined);
    const h = VmHardware.parse((await api('GET', `/vms/${uuid}/hardware`)).json);
    assert.deepEqual(h.pending, []);
    assert.equal(h.live?.maxVcpus, 3);
  });

  it('removes the VM and its disks', async () => {
    await api('POST', `/vms/${uuid}/actions/destroy`);
    const res = await api('DELETE', `/vms/${uuid}?deleteVolumes=true`);
    assert.equal(res.status, 204, res.text);
    uuid = '';
  });
});
