import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventList, SnapshotSummary, VmDetail, VmGuestInfo, VmSummary } from '@quantix/shared';
import { buildDomainXml } from '../../host/src/libvirt-xml/domain-xml.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { tempDataDir } from '../support/host-process.ts';
import { prepareQgaGuest, type QgaGuest, withDirectKernelBoot } from '../support/qga-guest.ts';

const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-q', '-c', 'qemu:///system', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

let guest: QgaGuest | null = null;
let why = '';
try {
  guest = prepareQgaGuest();
} catch (err) {
  why = `the agent test guest could not be built: ${(err as Error).message}`;
}

// The guest agent path on the real daemon, against a real QGA speaker: a tiny guest (a Debian
// kernel and an initramfs whose /init answers the qemu-guest-agent protocol with fixed data, see
// test/support/qga-guest/) under software emulation, defined from buildDomainXml plus a direct
// kernel boot. libvirt talks to it exactly as to qemu-guest-agent; what it answers is the stub's.
describe('the guest agent on a real libvirt daemon (a tiny guest speaking QGA)', {
  skip: guest ? false : why,
}, () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxosqga'));
  chmodSync(poolDir, 0o755);
  const id = randomBytes(3).toString('hex');
  const name = `qxos-qga-${id}`;
  let qx: AdminHost | undefined;
  let api: AdminHost['api'];
  let uuid = '';

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system', apiTimeoutMs: 180_000 });
    ({ api } = qx);
  });
  after(async () => {
    try {
      virsh('destroy', name);
    } catch {}
    try {
      virsh('undefine', name, '--nvram', '--snapshots-metadata');
    } catch {}
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });
  const audit = async () =>
    EventList.parse((await api('GET', '/events?limit=200')).json).events.map((e) => e.message);
  const info = async (refresh: boolean) => {
    const res = await api('GET', `/vms/${uuid}/guest${refresh ? '?refresh=true' : ''}`);
    assert.equal(res.status, 200, res.text);
    return VmGuestInfo.parse(res.json);
  };
  const state = async () => {
    const res = await api('GET', `/vms/${uuid}`);
    assert.equal(res.status, 200, res.text);
    const vm = VmDetail.safeParse(res.json);
    assert.ok(vm.success, `${res.text} ${JSON.stringify(vm.error?.issues)}`);
    return vm.data.state;
  };
  const until = async <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, tries = 240) => {
    let v = await read();
    for (let i = 0; i < tries && !ok(v); i++) {
      await new Promise((r) => setTimeout(r, 500));
      v = await read();
    }
    assert.ok(ok(v), `${what}: ${JSON.stringify(v)}`);
    return v;
  };

  it('defines the guest and sees "agent not running" until its agent answers', async () => {
    const disk = join(poolDir, `${name}.qcow2`);
    execFileSync('qemu-img', ['create', '-f', 'qcow2', disk, '16M'], { stdio: 'ignore' });
    const xml = buildDomainXml({
      name,
      virtType: 'qemu',
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ path: disk, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
    });
    const file = join(poolDir, 'domain.xml');
    writeFileSync(file, withDirectKernelBoot(xml, guest as QgaGuest));
    virsh('define', file);
    uuid = virsh('domuuid', name).trim();
    await until(
      'the host lists it',
      async () => (await api('GET', `/vms/${uuid}`)).status,
      (s) => s === 200,
    );
    assert.equal((await info(true)).agent, 'vm-off');
    assert.equal((await api('POST', `/vms/${uuid}/actions/start`)).status, 200);
    const first = await info(true);
    // the kernel needs seconds to boot under TCG: the agent is not there yet, said as a state
    assert.ok(first.agent === 'not-running' || first.agent === 'connected', first.agent);
  });

  it("shows the agent's hostname, OS and addresses per NIC, and the list its cached addresses", async () => {
    const got = await until(
      'the agent answers',
      () => info(true),
      (i) => i.agent === 'connected',
    );
    assert.equal(got.hostname, 'qxos-agent-guest');
    assert.deepEqual(got.os, {
      name: 'Quantix QGA test guest 1.0',
      version: '1.0 (test)',
      id: 'qxos',
      kernel: '6.1.0-qxos',
    });
    assert.deepEqual(
      got.interfaces.map((i) => [
        i.name,
        i.mac,
        i.addresses.map((a) => `${a.type} ${a.address}/${a.prefix}`),
      ]),
      [
        ['lo', '00:00:00:00:00:00', ['ipv4 127.0.0.1/8', 'ipv6 ::1/128']],
        ['eth0', '52:54:00:12:34:56', ['ipv4 192.0.2.10/24', 'ipv6 2001:db8::10/64']],
      ],
    );
    assert.equal(got.message, null);
    const list = ((await api('GET', '/vms')).json as { vms: unknown[] }).vms.map((v) => VmSummary.parse(v));
    assert.deepEqual(list.find((v) => v.uuid === uuid)?.guestAddresses, ['192.0.2.10', '2001:db8::10']);
  });

  it('takes a snapshot with the filesystems frozen, thaws them, and marks it quiesced', async () => {
    const res = await api('POST', `/vms/${uuid}/snapshots`, { name: 'frozen', quiesce: true });
    assert.equal(res.status, 201, res.text);
    const snaps = (
      (await api('GET', `/vms/${uuid}/snapshots`)).json as { snapshots: unknown[] }
    ).snapshots.map((s) => SnapshotSummary.parse(s));
    assert.equal(snaps.find((s) => s.name === 'frozen')?.quiesced, true);
    // the guest was thawed after the snapshot
    const status = virsh('qemu-agent-command', name, '{"execute":"guest-fsfreeze-status"}');
    assert.match(status, /"return":"thawed"/);
    assert.ok(
      (await audit()).some(
        (m) => m === `VM "${name}": snapshot "frozen" created (filesystems frozen by the guest agent)`,
      ),
    );
  });

  it('reverting the running VM to it thaws the guest (its memory was saved frozen)', async () => {
    const res = await api('POST', `/vms/${uuid}/snapshots/frozen/revert`);
    assert.equal(res.status, 204, res.text);
    const status = await until(
      'the agent answers after the revert',
      async () => {
        try {
          return virsh('qemu-agent-command', name, '{"execute":"guest-fsfreeze-status"}');
        } catch (err) {
          return String((err as Error).message);
        }
      },
      (s) => /"return":"(thawed|frozen)"/.test(s),
    );
    assert.match(status, /"return":"thawed"/);
    assert.equal((await api('DELETE', `/vms/${uuid}/snapshots/frozen`)).status, 204);
    const snaps = ((await api('GET', `/vms/${uuid}/snapshots`)).json as { snapshots: unknown[] }).snapshots;
    assert.deepEqual(snaps, []);
  });

  it('reboots and shuts down through the agent, and says so', async () => {
    const reboot = await api('POST', `/vms/${uuid}/actions/reboot`);
    assert.equal(reboot.status, 200, reboot.text);
    assert.ok((await audit()).some((m) => m === `VM "${name}": reboot (guest agent)`));
    // back up, and its agent with it
    await until(
      'the agent answers after the reboot',
      () => info(true),
      (i) => i.agent === 'connected',
    );
    const off = await api('POST', `/vms/${uuid}/actions/shutdown`);
    assert.equal(off.status, 200, off.text);
    assert.ok((await audit()).some((m) => m === `VM "${name}": shutdown (guest agent)`));
    await until('the guest powered itself off', state, (s) => s === 'shutoff');
    assert.equal((await info(false)).agent, 'vm-off');
  });

  it('removes it', async () => {
    const res = await api('DELETE', `/vms/${uuid}`);
    assert.equal(res.status, 204, res.text);
  });
});
