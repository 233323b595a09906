import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, VmDetail, type VmSummary, VolumeList } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { ensureLibvirtd } from '../support/libvirtd.ts';

const URI = 'qemu:///system';
const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { encoding: 'utf8' });
const info = (path: string) =>
  JSON.parse(qemuImg('info', '-U', '--output=json', path)) as Record<string, unknown>;

// What a guest can write into its disk must not reach the host's files through a clone, and a
// template's volume must outlive the linked clones that read it (real qemu-img, real libvirtd).
describe('clones and disks that name host files, and volumes under linked clones', () => {
  const data = tempDataDir();
  const id = Math.random().toString(36).slice(2, 8);
  const prefix = `qxfixa-${id}`;
  const poolName = `qxfixa${id}`;
  const poolDir = mkdtempSync(join(tmpdir(), 'qxfixa-pool-'));
  const work = mkdtempSync(join(tmpdir(), 'qxfixa-work-'));
  chmodSync(poolDir, 0o755);
  let daemon: ReturnType<typeof ensureLibvirtd>;
  let host: RunningHost;
  let admin: CookieJar;
  let source: VmDetail;
  let linked: VmDetail;

  before(async () => {
    daemon = ensureLibvirtd();
    assert.equal(daemon.uri, URI, 'a real libvirt daemon must run for this suite (run as root)');
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: URI } });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    const res = await api('POST', '/storage/pools', { type: 'dir', name: poolName, path: poolDir });
    assert.equal(res.status, 201, res.text);
  });
  after(async () => {
    const all =
      ((await api('GET', '/vms').catch(() => null))?.json as { vms?: VmSummary[] } | undefined)?.vms ?? [];
    const ours = all
      .filter((v) => v.name.startsWith(`${prefix}-`))
      .sort((a, b) => Number(a.template) - Number(b.template));
    for (const v of ours) {
      await api('POST', `/vms/${v.uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${v.uuid}?deleteVolumes=true`).catch(() => undefined);
      // a VM defined behind Quantix's back whose disk Quantix refuses to touch
      spawnSync('virsh', ['-c', URI, 'undefine', '--nvram', v.name], { stdio: 'ignore' });
    }
    rmSync(`/var/lib/libvirt/qemu/nvram/${prefix}-stale_VARS.fd`, { force: true });
    await api('POST', `/storage/pools/${poolName}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${poolName}`).catch(() => undefined);
    await host?.stop();
    daemon?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body, timeoutMs: 300_000 });
  const error = (res: { json: unknown }) => ErrorBody.parse(res.json).error;
  const volumes = async () =>
    VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json).volumes.map(
      (v) => v.name,
    );
  const diskOf = (vm: VmDetail) => vm.disks.find((d) => d.device === 'disk')?.source ?? '';
  /** a VM defined with virsh (as an admin could): one disk of the given driver type */
  const defineRaw = (name: string, file: string, type: string) => {
    const xml = join(work, `${name}.xml`);
    writeFileSync(
      xml,
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64'>hvm</type></os><devices>
        <disk type='file' device='disk'><driver name='qemu' type='${type}'/>
        <source file='${file}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
    );
    execFileSync('virsh', ['-c', URI, 'define', xml], { stdio: 'ignore' });
  };
  const vmNamed = async (name: string) => {
    for (let i = 0; i < 50; i++) {
      const vms = ((await api('GET', '/vms')).json as { vms: VmSummary[] }).vms;
      const found = vms.find((v) => v.name === name);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} never appeared`);
  };

  it('full-clones a raw disk holding a qcow2 header that names a host file as its raw bytes', async () => {
    const res = await api('POST', '/vms', {
      name: `${prefix}-src`,
      vcpus: 1,
      memoryMiB: 64,
      disks: [{ pool: poolName, sizeGiB: 0.0625, format: 'raw' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    source = VmDetail.parse(res.json);
    // what a guest can write into its raw disk: a qcow2 header whose backing file is a host file
    const header = join(work, 'header.qcow2');
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', header, '1M');
    execFileSync('dd', [`if=${header}`, `of=${diskOf(source)}`, 'conv=notrunc', 'status=none']);
    assert.equal(info(diskOf(source)).format, 'qcow2', 'a probe would take it for qcow2');

    const clone = await api('POST', `/vms/${source.uuid}/clone`, { name: `${prefix}-full`, mode: 'full' });
    assert.equal(clone.status, 201, clone.text);
    const copy = diskOf(VmDetail.parse(clone.json));
    assert.equal(copy, join(poolDir, `${prefix}-full-disk0.img`), 'a raw copy of a raw disk');
    // byte for byte the guest's disk: no /etc/hostname in it
    qemuImg('compare', '-f', 'raw', '-F', 'raw', diskOf(source), copy);
  });

  it('a linked clone’s overlay reads the template’s raw disk as raw', async () => {
    assert.equal((await api('POST', `/vms/${source.uuid}/template`)).status, 200);
    const res = await api('POST', `/vms/${source.uuid}/clone`, { name: `${prefix}-linked`, mode: 'linked' });
    assert.equal(res.status, 201, res.text);
    linked = VmDetail.parse(res.json);
    const overlay = info(diskOf(linked));
    assert.equal(overlay['backing-filename'], diskOf(source));
    assert.equal(overlay['backing-filename-format'], 'raw');
    const dump = execFileSync('virsh', ['-c', URI, 'dumpxml', '--inactive', `${prefix}-linked`], {
      encoding: 'utf8',
    });
    assert.match(dump, /<driver name='qemu' type='qcow2'/);
  });

  it('full-clones a linked clone (its backing file is a template’s disk) into a self-contained copy', async () => {
    const res = await api('POST', `/vms/${linked.uuid}/clone`, { name: `${prefix}-flat`, mode: 'full' });
    assert.equal(res.status, 201, res.text);
    const copy = diskOf(VmDetail.parse(res.json));
    assert.equal(info(copy)['backing-filename'], undefined);
    qemuImg('compare', '-f', 'raw', '-F', 'qcow2', diskOf(source), copy);
  });

  it('refuses to clone a qcow2 disk with a host file as backing or data file, or a vmdk disk', async () => {
    const backed = join(poolDir, `${prefix}-backed.qcow2`);
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', backed, '1M');
    const dataFile = join(poolDir, `${prefix}-df.qcow2`);
    qemuImg('create', '-f', 'qcow2', '-o', `data_file=${join(work, 'data.raw')}`, dataFile, '1M');
    const plain = join(poolDir, `${prefix}-plain.img`);
    qemuImg('create', '-f', 'raw', plain, '1M');
    await volumes(); // the pool sees the new files
    defineRaw(`${prefix}-bk`, backed, 'qcow2');
    defineRaw(`${prefix}-dfvm`, dataFile, 'qcow2');
    // (libvirt writes type='raw' into a definition without one: a missing type is refused too, untestable here)
    defineRaw(`${prefix}-vmdk`, plain, 'vmdk');
    const before = readdirSync(poolDir).sort();
    for (const [vm, why] of [
      [`${prefix}-bk`, /backing file \(\/etc\/hostname/],
      [`${prefix}-dfvm`, /external file/],
    ] as const) {
      const uuid = (await vmNamed(vm)).uuid;
      const res = await api('POST', `/vms/${uuid}/clone`, { name: `${vm}-c`, mode: 'full' });
      assert.equal(res.status, 422, res.text);
      assert.equal(error(res).code, 'IMAGE_REFUSED');
      assert.match(error(res).message, why);
    }
    const vmdk = await api('POST', `/vms/${(await vmNamed(`${prefix}-vmdk`)).uuid}/clone`, {
      name: `${prefix}-vmdk-c`,
    });
    assert.equal(vmdk.status, 501, vmdk.text);
    assert.match(error(vmdk).message, /format vmdk/);
    assert.deepEqual(readdirSync(poolDir).sort(), before, 'nothing made');
  });

  it('keeps a template’s disk while linked clones read it: no removal, growing, deletion', async () => {
    const rm = await api('DELETE', `/vms/${source.uuid}/hardware/disks/vda`);
    assert.equal(rm.status, 409, rm.text);
    assert.equal(error(rm).code, 'TEMPLATE_IN_USE');
    assert.match(error(rm).message, new RegExp(`${prefix}-linked`));
    const grow = await api('PATCH', `/vms/${source.uuid}/hardware/disks/vda`, { sizeGiB: 1 });
    assert.equal(grow.status, 409, grow.text);
    assert.equal(error(grow).code, 'TEMPLATE_IN_USE');
    const vol = source.disks.find((d) => d.device === 'disk')?.volume ?? '';
    const del = await api('DELETE', `/storage/pools/${poolName}/volumes/${vol}`);
    assert.equal(del.status, 409, del.text);
    assert.equal(error(del).code, 'VOLUME_IN_USE');
    assert.ok((await volumes()).includes(vol));
  });

  it('refuses to delete, attach or reuse a volume that backs another, though no VM uses it', async () => {
    const made = await api('POST', `/storage/pools/${poolName}/volumes`, {
      name: `${prefix}-base.img`,
      format: 'raw',
      sizeGiB: 0.0625,
    });
    assert.equal(made.status, 201, made.text);
    const base = join(poolDir, `${prefix}-base.img`);
    qemuImg('create', '-f', 'qcow2', '-b', base, '-F', 'raw', join(poolDir, `${prefix}-ovl.qcow2`));
    await volumes(); // the pool sees the overlay
    const del = await api('DELETE', `/storage/pools/${poolName}/volumes/${prefix}-base.img`);
    assert.equal(del.status, 409, del.text);
    assert.equal(error(del).code, 'VOLUME_IN_USE');
    assert.match(error(del).message, new RegExp(`${prefix}-ovl\\.qcow2`));
    const attach = await api('POST', `/vms/${linked.uuid}/hardware/disks`, {
      source: 'volume',
      pool: poolName,
      volume: `${prefix}-base.img`,
    });
    assert.equal(attach.status, 409, attach.text);
    assert.equal(error(attach).code, 'VOLUME_IN_USE');
    const reuse = await api('POST', '/vms', {
      name: `${prefix}-reuse`,
      vcpus: 1,
      memoryMiB: 64,
      disks: [
        {
          pool: poolName,
          sizeGiB: 0.0625,
          format: 'raw',
          source: { type: 'volume', pool: poolName, volume: `${prefix}-base.img` },
        },
      ],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(reuse.status, 409, reuse.text);
    assert.equal(error(reuse).code, 'VOLUME_IN_USE');
    // the overlay gone, the volume goes
    rmSync(join(poolDir, `${prefix}-ovl.qcow2`));
    await volumes();
    const ok = await api('DELETE', `/storage/pools/${poolName}/volumes/${prefix}-base.img`);
    assert.equal(ok.status, 204, ok.text);
  });

  it('attaches an existing volume in the format qemu-img finds, and refuses a data file or a host backing file', async () => {
    const df = join(poolDir, `${prefix}-att-df.qcow2`);
    qemuImg('create', '-f', 'qcow2', '-o', `data_file=${join(work, 'att-data.raw')}`, df, '1M');
    const bk = join(poolDir, `${prefix}-att-bk.qcow2`);
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', bk, '1M');
    const good = join(poolDir, `${prefix}-att-good.img`);
    qemuImg('create', '-f', 'qcow2', good, '1M');
    await volumes();
    const attach = (volume: string) =>
      api('POST', `/vms/${linked.uuid}/hardware/disks`, { source: 'volume', pool: poolName, volume });
    const refusedDf = await attach(`${prefix}-att-df.qcow2`);
    assert.equal(refusedDf.status, 422, refusedDf.text);
    assert.equal(error(refusedDf).code, 'IMAGE_REFUSED');
    assert.match(error(refusedDf).message, /external file/);
    const refusedBk = await attach(`${prefix}-att-bk.qcow2`);
    assert.equal(refusedBk.status, 422, refusedBk.text);
    assert.match(error(refusedBk).message, /\/etc\/hostname/);
    const ok = await attach(`${prefix}-att-good.img`);
    assert.equal(ok.status, 201, ok.text);
    const dump = execFileSync('virsh', ['-c', URI, 'dumpxml', '--inactive', `${prefix}-linked`], {
      encoding: 'utf8',
    });
    assert.match(dump, new RegExp(`<driver name='qemu' type='qcow2'[^>]*/>\\s*<source file='${good}'`));
  });

  it('writes a cloud-init seed 0600, never over a file it did not make, and never lets it be downloaded', async () => {
    const name = `${prefix}-seeded`;
    const seed = join(poolDir, `${name}-cidata.iso`);
    writeFileSync(seed, 'not ours');
    const body = {
      name,
      vcpus: 1,
      memoryMiB: 64,
      disks: [{ pool: poolName, sizeGiB: 0.0625, format: 'raw' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
      cloudInit: { hostname: 'qxfixa', user: 'ops', password: 'pw' },
    };
    const taken = await api('POST', '/vms', body);
    assert.equal(taken.status, 409, taken.text);
    assert.equal(error(taken).code, 'NAME_TAKEN');
    assert.equal(readFileSync(seed, 'utf8'), 'not ours', 'left as it was');
    assert.ok(!(await volumes()).includes(`${name}-disk0.img`), 'nothing made');
    const clone = await api('POST', `/vms/${linked.uuid}/clone`, { name, cloudInit: { hostname: 'x' } });
    assert.equal(clone.status, 409, clone.text);
    assert.equal(readFileSync(seed, 'utf8'), 'not ours');
    rmSync(seed);
    const made = await api('POST', '/vms', body);
    assert.equal(made.status, 201, made.text);
    const vm = VmDetail.parse(made.json);
    assert.equal(statSync(seed).mode & 0o777, 0o600);
    // QEMU still reads it: libvirt hands the file to it
    assert.equal((await api('POST', `/vms/${vm.uuid}/actions/start`)).status, 200);
    assert.equal((await api('POST', `/vms/${vm.uuid}/actions/destroy`)).status, 200);
    const dl = await api('GET', `/storage/pools/${poolName}/files/download?path=${name}-cidata.iso`);
    assert.equal(dl.status, 403, dl.text);
    assert.equal(error(dl).code, 'FORBIDDEN');
    const other = await api('GET', `/storage/pools/${poolName}/files/download?path=${prefix}-att-good.img`);
    assert.equal(other.status, 200, 'other files still are');
  });

  it('gives a UEFI VM’s clone a copy of its NVRAM under its own name, never a stale file', async () => {
    const res = await api('POST', '/vms', {
      name: `${prefix}-uefi`,
      os: 'linux',
      firmware: 'uefi',
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ pool: poolName, sizeGiB: 0.0625, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    const uefi = VmDetail.parse(res.json);
    // libvirt makes the NVRAM file when the VM first starts
    assert.equal((await api('POST', `/vms/${uefi.uuid}/actions/start`)).status, 200);
    assert.equal((await api('POST', `/vms/${uefi.uuid}/actions/destroy`)).status, 200);
    // (firmware autoselection: the inactive definition names no file; libvirt's name for it)
    const srcNvram = `/var/lib/libvirt/qemu/nvram/${prefix}-uefi_VARS.fd`;
    assert.ok(srcNvram && statSync(srcNvram).isFile(), `source NVRAM ${srcNvram}`);

    const stale = `/var/lib/libvirt/qemu/nvram/${prefix}-stale_VARS.fd`;
    writeFileSync(stale, 'an earlier VM’s variables');
    const refused = await api('POST', `/vms/${uefi.uuid}/clone`, { name: `${prefix}-stale` });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(error(refused).code, 'NAME_TAKEN');
    assert.match(error(refused).message, /_VARS\.fd exists/);
    assert.equal(readFileSync(stale, 'utf8'), 'an earlier VM’s variables');

    const made = await api('POST', `/vms/${uefi.uuid}/clone`, { name: `${prefix}-uefi2` });
    assert.equal(made.status, 201, made.text);
    const own = `/var/lib/libvirt/qemu/nvram/${prefix}-uefi2_VARS.fd`;
    const dump = execFileSync('virsh', ['-c', URI, 'dumpxml', '--inactive', `${prefix}-uefi2`], {
      encoding: 'utf8',
    });
    assert.match(dump, new RegExp(`<nvram[^>]*>${own}</nvram>`));
    assert.ok(readFileSync(own).equals(readFileSync(srcNvram)), 'a copy of the source’s variables');
    const clone = VmDetail.parse(made.json);
    assert.equal((await api('POST', `/vms/${clone.uuid}/actions/start`)).status, 200, 'it boots from it');
    assert.equal((await api('POST', `/vms/${clone.uuid}/actions/destroy`)).status, 200);
  });
});
