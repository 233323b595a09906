import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventList, PendingVolumesState, Task, VmDetail, type VmSummary, VolumeList } from '@quantix/shared';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { ensureLibvirtd, warmQemuCapabilities } from '../support/libvirtd.ts';

const URI = 'qemu:///system';
/** large enough that the copy takes a moment (~2 s uncached here), small enough to stay cheap */
const SOURCE_MIB = 512;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] ?? '';
const virshVolumes = (pool: string) =>
  spawnSync('virsh', ['-c', URI, 'vol-list', '--pool', pool], { encoding: 'utf8' }).stdout ?? '';
/** the qemu-img processes writing to this file (the killed host's orphans) */
const qemuImgsOn = (path: string) =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        return args[0]?.endsWith('qemu-img') && args.includes(path);
      } catch {
        return false;
      }
    })
    .map(Number);

// A host killed with kill -9 in the middle of a full clone's copy leaves the half-made copy in the
// pool; its next start deletes it (it was journaled before it was made, and no VM uses it), says so
// in an event, and leaves the source alone. Real libvirtd, real qemu-img.
describe('a clone cut short by kill -9: its half-made volume is removed at the next start', () => {
  const data = tempDataDir('qxorph-data-');
  const id = Math.random().toString(36).slice(2, 8);
  const prefix = `qxorph-${id}`;
  const poolName = `qxorph${id}`;
  const poolDir = mkdtempSync(join(tmpdir(), 'qxorph-pool-'));
  chmodSync(poolDir, 0o755);
  const copyName = `${prefix}-copy-disk0.img`;
  const copyPath = join(poolDir, copyName);
  const taskId = `qxorph${id}clonetask`;
  let daemon: ReturnType<typeof ensureLibvirtd>;
  let host: RunningHost | undefined;
  let jar: CookieJar;
  let source: VmDetail;
  let sourceDisk = '';
  let sourceSum = '';
  const orphans: number[] = [];

  before(async () => {
    daemon = ensureLibvirtd();
    assert.equal(daemon.uri, URI, 'a real libvirt daemon must run for this suite (run as root)');
    warmQemuCapabilities();
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: URI } });
    jar = await setupAdmin(host);
    await waitForHypervisor(host, jar);
    const res = await api('POST', '/storage/pools', { type: 'dir', name: poolName, path: poolDir });
    assert.equal(res.status, 201, res.text);
  });
  after(async () => {
    for (const pid of [...orphans, ...qemuImgsOn(copyPath)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    if (host) {
      const all =
        ((await api('GET', '/vms').catch(() => null))?.json as { vms?: VmSummary[] } | undefined)?.vms ?? [];
      for (const v of all.filter((x) => x.name.startsWith(`${prefix}-`)))
        await api('DELETE', `/vms/${v.uuid}?deleteVolumes=true`).catch(() => undefined);
      await api('POST', `/storage/pools/${poolName}/stop`).catch(() => undefined);
      await api('DELETE', `/storage/pools/${poolName}`).catch(() => undefined);
      await host.stop();
    }
    // whatever the host could not remove (it failed to start again): by name, on the daemon
    for (const vm of [`${prefix}-src`, `${prefix}-copy`])
      spawnSync('virsh', ['-c', URI, 'undefine', vm], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', URI, 'pool-destroy', poolName], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', URI, 'pool-undefine', poolName], { stdio: 'ignore' });
    daemon?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    if (!host) throw new Error('no host');
    return host.api(`/api/v1${path}`, {
      method,
      jar,
      body,
      timeoutMs: 300_000,
      ...(headers ? { headers } : {}),
    });
  };

  it('journals the clone’s volume while its copy runs, and the host is killed mid-copy', async () => {
    const res = await api('POST', '/vms', {
      name: `${prefix}-src`,
      vcpus: 1,
      memoryMiB: 64,
      disks: [{ pool: poolName, sizeGiB: SOURCE_MIB / 1024, format: 'raw' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(res.status, 201, res.text);
    source = VmDetail.parse(res.json);
    sourceDisk = source.disks.find((d) => d.device === 'disk')?.source ?? '';
    // random data, so every block is copied; out of the page cache (after its checksum), so the copy reads the disk
    execFileSync('dd', [
      'if=/dev/urandom',
      `of=${sourceDisk}`,
      'bs=1M',
      `count=${SOURCE_MIB}`,
      'conv=notrunc',
      'oflag=direct',
      'status=none',
    ]);
    sourceSum = sha256(sourceDisk);
    execFileSync('dd', [`if=${sourceDisk}`, 'iflag=nocache', 'count=0', 'status=none']);

    const clone = api(
      'POST',
      `/vms/${source.uuid}/clone`,
      { name: `${prefix}-copy`, mode: 'full' },
      {
        'X-Quantix-Task': taskId,
      },
    ).catch((err: unknown) => err);
    let copying: string | undefined;
    for (let i = 0; i < 600 && !copying; i++) {
      const r = await api('GET', `/tasks/${taskId}`);
      const message = r.status === 200 ? (Task.parse(r.json).progress?.message ?? '') : '';
      // begun, not done: some percent below 100
      if (/copying .*: (\d|[1-9]\d)%$/.test(message)) copying = message;
      else await sleep(10);
    }
    assert.ok(copying, 'the copy began');
    const journal = PendingVolumesState.parse(
      JSON.parse(readFileSync(join(data.dir, 'pending-volumes.json'), 'utf8')),
    ).volumes;
    assert.deepEqual(
      journal.map((v) => [v.pool, v.volume, v.doing]),
      [[poolName, copyName, `full clone of "${prefix}-src" as "${prefix}-copy"`]],
    );
    // held still, qemu-img cannot die by writing its progress into the host's closed pipe: only
    // the parent-death signal (SIGKILL ends a stopped process) takes it with the host
    const copies = qemuImgsOn(copyPath);
    assert.equal(copies.length, 1, 'one qemu-img copies the disk');
    orphans.push(...copies); // after() ends it, should the host's kill fail
    for (const pid of copies) process.kill(pid, 'SIGSTOP');
    await host?.kill9();
    host = undefined;
    await clone; // the request died with the host
    orphans.length = 0;
    for (let i = 0; i < 250 && qemuImgsOn(copyPath).length > 0; i++) await sleep(20);
    orphans.push(...qemuImgsOn(copyPath));
    assert.deepEqual(orphans, [], 'no qemu-img copies on after the host was killed');
    assert.ok(existsSync(copyPath), `the half-made copy ${copyPath} is in the pool (${copying})`);
    assert.match(virshVolumes(poolName), new RegExp(copyName.replace(/\./g, '\\.')));
  });

  it('at the next start deletes the half-made copy, says so, and leaves the source as it was', async () => {
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: URI } });
    jar = new CookieJar();
    const login = await api('POST', '/auth/login', ADMIN);
    assert.equal(login.status, 200, login.text);
    await waitForHypervisor(host, jar);
    let event: EventList['events'][number] | undefined;
    for (let i = 0; i < 300 && !event; i++) {
      const events = EventList.parse((await api('GET', '/events?limit=100&category=storage')).json).events;
      event = events.find((e) => e.message.includes(`Volume "${copyName}" removed from pool "${poolName}"`));
      if (!event) await sleep(100);
    }
    assert.ok(event, 'an event names the removed volume');
    assert.equal(event.level, 'warning');
    assert.match(event.message, new RegExp(`during the full clone of "${prefix}-src" as "${prefix}-copy"`));

    assert.ok(!existsSync(copyPath), 'the file is gone');
    assert.doesNotMatch(virshVolumes(poolName), new RegExp(copyName.replace(/\./g, '\\.')));
    const vols = VolumeList.parse((await api('GET', `/storage/pools/${poolName}/volumes`)).json).volumes;
    assert.deepEqual(
      vols.map((v) => v.name),
      [`${prefix}-src-disk0.img`],
    );
    const journal = PendingVolumesState.parse(
      JSON.parse(readFileSync(join(data.dir, 'pending-volumes.json'), 'utf8')),
    ).volumes;
    assert.deepEqual(journal, []);

    const task = Task.parse((await api('GET', `/tasks/${taskId}`)).json);
    assert.equal(task.status, 'interrupted');
    const vms = ((await api('GET', '/vms')).json as { vms: VmSummary[] }).vms;
    assert.ok(!vms.some((v) => v.name === `${prefix}-copy`), 'no clone was defined');
    const now = VmDetail.parse((await api('GET', `/vms/${source.uuid}`)).json);
    assert.equal(now.disks.find((d) => d.device === 'disk')?.source, sourceDisk);
    assert.equal(sha256(sourceDisk), sourceSum, 'the source disk is untouched');
  });
});
