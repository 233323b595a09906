import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ErrorBody,
  FileListing,
  LinkedClone,
  UploadResult,
  VmDetail,
  VmSummary,
  VolumeImageInfo,
  VolumeList,
} from '@quantix/shared';
import { parse as parseYaml } from 'yaml';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import { warmQemuCapabilities } from '../support/libvirtd.ts';
import type { CookieJar } from '../support/https-client.ts';
import { readIso9660 } from '../support/iso9660-read.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bQyq7RrQ8V6r0m3jzB2kYxg3wJkqg1m8N7o1yH5a qximg@test';
const qemuImgInfo = (path: string) =>
  JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', path], { encoding: 'utf8' })) as Record<
    string,
    unknown
  >;

// Disk images, cloud-init, clones and templates on a real libvirtd with QEMU.
describe('disk images, cloud-init, clones and templates on a real libvirt daemon', () => {
  const data = tempDataDir();
  const id = Math.random().toString(36).slice(2, 8);
  const poolName = `qximg${id}`;
  const poolDir = mkdtempSync(join(tmpdir(), 'qximg-pool-'));
  const work = mkdtempSync(join(tmpdir(), 'qximg-work-'));
  // QEMU runs as libvirt-qemu and must reach the disk files
  chmodSync(poolDir, 0o755);
  const vmName = `qximg-${id}-vm`;
  const cloneName = `qximg-${id}-clone`;
  const linkedName = `qximg-${id}-linked`;
  let qx: AdminHost | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let api: AdminHost['api'];
  let source: VmDetail;
  let clone: VmDetail;
  let linked: VmDetail;
  let socket: HostSocket;
  const progress: Array<{ taskId: string; message: string }> = [];

  before(async () => {
    qx = await startAdminHost({
      dataDir: data.dir,
      libvirt: 'system',
      apiTimeoutMs: 300_000,
      beforeHost: warmQemuCapabilities,
    });
    ({ host, admin, api } = qx);
    socket = openSocket(host, admin);
    socket.on('task:progress', (p) => progress.push(p));
    await connected(socket);
    const res = await api('POST', '/storage/pools', { type: 'dir', name: poolName, path: poolDir });
    assert.equal(res.status, 201, res.text);
  });
  after(async () => {
    socket?.close();
    // leave nothing behind on the daemon, whatever failed: clones before the template
    const all =
      ((await api('GET', '/vms').catch(() => null))?.json as { vms?: VmSummary[] } | undefined)?.vms ?? [];
    const ours = all
      .filter((v) => v.name.startsWith(`qximg-${id}-`))
      .sort((a, b) => Number(a.template) - Number(b.template));
    for (const v of ours) {
      await api('POST', `/vms/${v.uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${v.uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await api('POST', `/storage/pools/${poolName}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${poolName}`).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });
  const upload = (name: string, body: Buffer) =>
    host.api(`/api/v1/storage/pools/${poolName}/files/${name}`, {
      method: 'PUT',
      jar: admin,
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const volumes = async () =>
    VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json).volumes.map(
      (v) => v.name,
    );

  it('refuses a qcow2 upload with a backing file and leaves nothing behind', async () => {
    execFileSync('qemu-img', [
      'create',
      '-f',
      'qcow2',
      '-b',
      '/etc/shadow',
      '-F',
      'raw',
      join(work, 'evil.qcow2'),
      '1M',
    ]);
    const before = readdirSync(poolDir).sort();
    const res = await upload('evil.qcow2', readFileSync(join(work, 'evil.qcow2')));
    assert.equal(res.status, 422, res.text);
    const err = ErrorBody.parse(res.json).error;
    assert.equal(err.code, 'IMAGE_REFUSED');
    assert.match(err.message, /backing file.*\/etc\/shadow/);
    assert.deepEqual(readdirSync(poolDir).sort(), before, 'no file, no temp file');
    assert.ok(!(await volumes()).includes('evil.qcow2'));
  });

  it('detects a raw image named .qcow2 as raw, and a qcow2 named .img as qcow2', async () => {
    execFileSync('qemu-img', ['create', '-f', 'raw', join(work, 'plain.raw'), '2M']);
    const raw = await upload('named.qcow2', readFileSync(join(work, 'plain.raw')));
    assert.equal(raw.status, 201, raw.text);
    assert.equal(UploadResult.parse(raw.json).format, 'raw');
    const info = VolumeImageInfo.parse(
      (await api('GET', `/storage/pools/${poolName}/volumes/named.qcow2/image`)).json,
    );
    assert.equal(info.format, 'raw');
    assert.equal(qemuImgInfo(join(poolDir, 'named.qcow2')).format, 'raw');
    const listing = FileListing.parse((await api('GET', `/storage/pools/${poolName}/files`)).json);
    assert.equal(
      listing.entries.find((e) => e.name === 'named.qcow2')?.type,
      'raw',
      'the file browser agrees',
    );
    // a small "cloud image": 64 MiB qcow2 with a marker in its first MiB
    const seed = join(work, 'marker.raw');
    execFileSync('sh', ['-c', `head -c 1048576 /dev/urandom > ${seed} && truncate -s 64M ${seed}`]);
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', seed, join(work, 'cloud.qcow2')]);
    const q = await upload('cloud.img', readFileSync(join(work, 'cloud.qcow2')));
    assert.equal(q.status, 201, q.text);
    const r = UploadResult.parse(q.json);
    assert.deepEqual([r.format, r.virtualSize], ['qcow2', 64 * 2 ** 20]);
  });

  it('imports the image as a new VM’s disk, with progress and a cloud-init seed', async () => {
    const res = await host.api('/api/v1/vms', {
      method: 'POST',
      jar: admin,
      timeoutMs: 300_000,
      headers: { 'x-quantix-task': 'qximg-import-task' },
      body: {
        name: vmName,
        vcpus: 1,
        memoryMiB: 128,
        disks: [
          {
            pool: poolName,
            sizeGiB: 0.125,
            format: 'qcow2',
            source: { type: 'image', pool: poolName, volume: 'cloud.img' },
          },
        ],
        network: { type: 'user' },
        bootOrder: ['hd'],
        autostart: false,
        cloudInit: { hostname: 'qximg-guest', user: 'ops', password: 'secret pw', sshKeys: [KEY] },
      },
    });
    assert.equal(res.status, 201, res.text);
    source = VmDetail.parse(res.json);
    // the copy's progress reached the session's sockets (events may trail the answer a moment)
    const copying = () => progress.filter((p) => p.taskId === 'qximg-import-task').map((p) => p.message);
    for (let i = 0; i < 50 && !copying().some((m) => /seed/.test(m)); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      copying().some((m) => /copying image .*cloud\.img: 100%$/.test(m)),
      `progress: ${JSON.stringify(copying())}`,
    );
    assert.ok(copying().some((m) => /Writing the cloud-init seed/.test(m)));
    const disk = source.disks.find((d) => d.device === 'disk');
    assert.equal(disk?.volume, `${vmName}-disk0.qcow2`);
    assert.equal(disk?.capacity, 2 ** 27, 'the size asked for (larger than the image)');
    const path = disk?.source ?? '';
    const info = qemuImgInfo(path);
    assert.equal(info.format, 'qcow2');
    assert.equal(info['backing-filename'], undefined, 'a copy, not an overlay');
    // the same data as the image
    execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', join(poolDir, 'cloud.img'), path]);
    // the seed: a second CD-ROM, a cidata ISO in the pool with the VM's MAC and the hashed password
    const seedDisk = source.disks.find((d) => d.device === 'cdrom');
    assert.equal(seedDisk?.source, join(poolDir, `${vmName}-cidata.iso`));
    assert.ok((await volumes()).includes(`${vmName}-cidata.iso`));
    const iso = readIso9660(readFileSync(seedDisk?.source ?? ''));
    assert.equal(iso.volumeId, 'cidata');
    const userData = iso.files.get('user-data')?.toString() ?? '';
    assert.match(userData, /^#cloud-config\n/);
    const ud = parseYaml(userData, { version: '1.1' }) as {
      hostname: string;
      users: Array<{ name: string; passwd: string; ssh_authorized_keys: string[] }>;
    };
    assert.equal(ud.hostname, 'qximg-guest');
    assert.equal(ud.users[0]?.name, 'ops');
    assert.match(ud.users[0]?.passwd ?? '', /^\$6\$/);
    assert.ok(!userData.includes('secret pw'), 'the password itself is not in the seed');
    assert.deepEqual(ud.users[0]?.ssh_authorized_keys, [KEY]);
    const net = parseYaml(iso.files.get('network-config')?.toString() ?? '') as {
      version: number;
      ethernets: Record<string, { match: { macaddress: string } }>;
    };
    assert.equal(net.version, 2);
    assert.equal(net.ethernets.nic0?.match.macaddress, source.nics[0]?.mac);
    const dump = execFileSync('virsh', ['-c', 'qemu:///system', 'dumpxml', '--inactive', vmName], {
      encoding: 'utf8',
    });
    assert.match(dump, new RegExp(`<source file='${seedDisk?.source}'/>\\s*<target dev='sdb' bus='sata'/>`));
  });

  it('clones the VM: new UUID and MAC, its own disk with the same data, and its own seed', async () => {
    const res = await api('POST', `/vms/${source.uuid}/clone`, {
      name: cloneName,
      mode: 'full',
      cloudInit: { hostname: 'qximg-clone' },
    });
    assert.equal(res.status, 201, res.text);
    clone = VmDetail.parse(res.json);
    assert.notEqual(clone.uuid, source.uuid);
    assert.ok(clone.nics[0]?.mac && clone.nics[0].mac !== source.nics[0]?.mac, 'a new MAC');
    const a = source.disks.find((d) => d.device === 'disk');
    const b = clone.disks.find((d) => d.device === 'disk');
    assert.equal(b?.volume, `${cloneName}-disk0.qcow2`);
    assert.notEqual(b?.source, a?.source);
    execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', a?.source ?? '', b?.source ?? '']);
    const seeds = clone.disks.filter((d) => d.device === 'cdrom').map((d) => d.source);
    assert.deepEqual(seeds, [join(poolDir, `${cloneName}-cidata.iso`)], 'the source’s seed is not shared');
    const iso = readIso9660(readFileSync(seeds[0] ?? ''));
    assert.match(iso.files.get('meta-data')?.toString() ?? '', /local-hostname: qximg-clone/);
    assert.match(iso.files.get('network-config')?.toString() ?? '', new RegExp(clone.nics[0]?.mac ?? 'none'));
  });

  it('refuses to clone a running VM', async () => {
    const start = await api('POST', `/vms/${clone.uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    const res = await api('POST', `/vms/${clone.uuid}/clone`, { name: `qximg-${id}-nope` });
    assert.equal(res.status, 409, res.text);
    assert.equal(ErrorBody.parse(res.json).error.code, 'VM_STATE_INVALID');
    assert.equal((await api('POST', `/vms/${clone.uuid}/actions/destroy`)).status, 200);
  });

  it('converts the VM into a template that cannot be started', async () => {
    const res = await api('POST', `/vms/${source.uuid}/template`);
    assert.equal(res.status, 200, res.text);
    assert.equal(VmSummary.parse(res.json).template, true);
    const start = await api('POST', `/vms/${source.uuid}/actions/start`);
    assert.equal(start.status, 409, start.text);
    assert.match(ErrorBody.parse(start.json).error.message, /template/);
    const notTemplate = await api('POST', `/vms/${clone.uuid}/clone`, {
      name: `qximg-${id}-nope`,
      mode: 'linked',
    });
    assert.equal(notTemplate.status, 400, 'linked clones only of templates');
  });

  it('makes a linked clone whose disk is an overlay on the template’s volume, and starts it', async () => {
    const res = await api('POST', `/vms/${source.uuid}/clone`, { name: linkedName, mode: 'linked' });
    assert.equal(res.status, 201, res.text);
    linked = VmDetail.parse(res.json);
    assert.equal(linked.template, false);
    const base = source.disks.find((d) => d.device === 'disk')?.source;
    const overlay = linked.disks.find((d) => d.device === 'disk')?.source ?? '';
    const info = qemuImgInfo(overlay);
    assert.equal(info.format, 'qcow2');
    assert.equal(info['backing-filename'], base, 'the template’s volume is the backing store');
    assert.ok(Number(info['actual-size']) < 2 ** 20, 'an overlay holds no copy');
    assert.deepEqual(
      linked.disks.filter((d) => d.device === 'cdrom'),
      [],
      'no seed of the template’s',
    );
    const clones = (await api('GET', `/vms/${source.uuid}/linked-clones`)).json as { clones: unknown[] };
    assert.deepEqual(
      clones.clones.map((c) => LinkedClone.parse(c).name),
      [linkedName],
    );
    const start = await api('POST', `/vms/${linked.uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    assert.equal((await api('POST', `/vms/${linked.uuid}/actions/destroy`)).status, 200);
  });

  it('refuses to delete a template with a linked clone, naming the clone; then deletes both', async () => {
    const refused = await api('DELETE', `/vms/${source.uuid}?deleteVolumes=true`);
    assert.equal(refused.status, 409, refused.text);
    const err = ErrorBody.parse(refused.json).error;
    assert.equal(err.code, 'TEMPLATE_IN_USE');
    assert.match(err.message, new RegExp(linkedName));
    assert.ok(spawnSync('virsh', ['-c', 'qemu:///system', 'dominfo', vmName]).status === 0, 'still defined');
    assert.equal((await api('DELETE', `/vms/${linked.uuid}?deleteVolumes=true`)).status, 204);
    const del = await api('DELETE', `/vms/${source.uuid}?deleteVolumes=true`);
    assert.equal(del.status, 204, del.text);
    const left = await volumes();
    assert.ok(!left.includes(`${vmName}-disk0.qcow2`), 'the template’s disk went');
    assert.ok(!left.includes(`${vmName}-cidata.iso`), 'its seed went with it');
    assert.ok(!left.includes(`${linkedName}-disk0.qcow2`));
    assert.ok(left.includes('cloud.img'), 'the image stays');
  });
});
