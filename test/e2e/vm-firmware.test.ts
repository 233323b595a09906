import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventList, FirmwareCapabilities, VmDetail, VmGuestInfo, VmSummary } from '@quantix/shared';
import { buildDomainXml } from '../../host/src/libvirt-xml/domain-xml.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { tempDataDir } from '../support/host-process.ts';
import { probeGuestsGone } from '../support/libvirtd.ts';

const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-q', '-c', 'qemu:///system', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const tpmState = (uuid: string) => `/var/lib/libvirt/swtpm/${uuid}`;

// Issue 9 on the real daemon: UEFI (OVMF through libvirt's firmware autoselection), Secure Boot,
// a swtpm TPM 2.0, their NVRAM and TPM state made at the first start and removed with the VM, and
// the guest agent's "not running" path with the ACPI fallback. The guests have empty disks: they
// get as far as their firmware, which is all that is checked here.
describe('UEFI, Secure Boot, TPM and the agent fallback on a real libvirt daemon', () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxospool'));
  chmodSync(poolDir, 0o755);
  const id = randomBytes(3).toString('hex');
  const poolName = `qxos${id}`;
  let qx: AdminHost | undefined;
  let api: AdminHost['api'];
  let caps: FirmwareCapabilities;
  const made = new Map<string, string>(); // name → uuid

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system', apiTimeoutMs: 180_000 });
    ({ api } = qx);
    const pool = await api('POST', '/storage/pools', { type: 'dir', name: poolName, path: poolDir });
    assert.equal(pool.status, 201, pool.text);
  });
  after(async () => {
    for (const [name, uuid] of made) {
      await api('POST', `/vms/${uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${uuid}?deleteVolumes=true`).catch(() => undefined);
      // whatever the API could not remove
      try {
        virsh('destroy', name);
      } catch {}
      try {
        virsh('undefine', name, '--nvram', '--tpm');
      } catch {}
    }
    await api('POST', `/storage/pools/${poolName}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${poolName}`).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });
  const create = async (name: string, extra: object) => {
    const res = await api('POST', '/vms', {
      name,
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ pool: poolName, sizeGiB: 0.01, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
      ...extra,
    });
    assert.equal(res.status, 201, res.text);
    const vm = VmDetail.parse(res.json);
    made.set(name, vm.uuid);
    return vm;
  };
  /** starts it and reads its live definition (where libvirt names the firmware files it picked) */
  const start = async (uuid: string) => {
    const res = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(res.status, 200, res.text);
    const detail = await api('GET', `/vms/${uuid}`);
    const vm = VmDetail.safeParse(detail.json);
    assert.ok(vm.success, `${detail.status} ${detail.text} ${JSON.stringify(vm.error?.issues)}`);
    return vm.data;
  };
  const remove = async (uuid: string) => {
    await api('POST', `/vms/${uuid}/actions/destroy`);
    const res = await api('DELETE', `/vms/${uuid}?deleteVolumes=true`);
    assert.equal(res.status, 204, res.text);
  };
  const audit = async () =>
    EventList.parse((await api('GET', '/events?limit=200')).json).events.map((e) => e.message);

  it('says what firmware new VMs get here, once the probe is done', async (t) => {
    caps = FirmwareCapabilities.parse((await api('GET', '/hypervisor/firmware')).json);
    for (let i = 0; i < 600 && caps.probing; i++) {
      await new Promise((r) => setTimeout(r, 100));
      caps = FirmwareCapabilities.parse((await api('GET', '/hypervisor/firmware')).json);
    }
    assert.equal(caps.probing, false);
    t.diagnostic(`firmware here: ${JSON.stringify(caps)}`);
    // its throw-away guests are gone and were never listed
    assert.deepEqual(await probeGuestsGone('fw'), [], 'no probe guest lingers');
    const vms = (await api('GET', '/vms')).json as { vms: Array<{ name: string }> };
    assert.ok(!vms.vms.some((v) => v.name.startsWith('qx-fw-probe-')));
    // Debian's ovmf and swtpm are installed on these machines (Makefile: RUN_PACKAGES)
    assert.equal(caps.uefi.available, true, caps.uefi.reason ?? '');
    assert.equal(caps.tpm.available, true, caps.tpm.reason ?? '');
    if (!caps.secureBoot.available)
      assert.match(caps.secureBoot.reason ?? '', /System Management Mode|Secure Boot/);
  });

  it('defines and starts a UEFI VM: its NVRAM file is made, and removed with it', async () => {
    const vm = await create(`qxos-uefi-${id}`, { os: 'linux', firmware: 'uefi' });
    assert.equal(vm.platform?.firmware, 'uefi');
    assert.equal(vm.platform?.secureBoot, false);
    const live = await start(vm.uuid);
    const nvram = live.platform?.nvram;
    assert.ok(nvram, 'libvirt names the NVRAM file');
    assert.ok(existsSync(nvram), `${nvram} exists`);
    assert.match(
      virsh('dumpxml', vm.uuid),
      /<loader readonly='yes'( secure='no')? type='pflash'>\/usr\/share\/OVMF\/OVMF_CODE_4M\.fd</,
    );
    // where the probe found nothing wrong with UEFI here, the guest runs; where it warned (nested
    // KVM stopping OVMF at once), that warning is what the admin saw in the wizard
    if (caps.uefi.reason === null) assert.equal(live.state, 'running');
    else assert.match(caps.uefi.reason, /do not run under KVM on this host|not checked/);
    await remove(vm.uuid);
    assert.equal(existsSync(nvram), false, 'the NVRAM file is gone with the VM');
  });

  it('defines and starts a Windows 11 preset VM with a TPM: its TPM state is removed with it', async () => {
    const vm = await create(`qxos-w11-${id}`, { os: 'win11' });
    assert.equal(vm.osPreset, 'win11');
    assert.deepEqual(vm.platform?.tpm, { model: 'tpm-crb', version: '2.0' });
    assert.equal(vm.platform?.firmware, 'uefi');
    assert.equal(vm.platform?.secureBoot, caps.secureBoot.available);
    assert.equal(vm.platform?.clock, 'localtime');
    assert.deepEqual(
      vm.disks.map((d) => d.bus),
      ['sata'],
    );
    if (!caps.secureBoot.available) {
      assert.ok(
        (await audit()).some((m) => m.includes(`qxos-w11-${id}`) && /no Secure Boot/.test(m)),
        'said why',
      );
    }
    const live = await start(vm.uuid);
    assert.ok(live.platform?.nvram && existsSync(live.platform.nvram));
    assert.ok(existsSync(join(tpmState(vm.uuid), 'tpm2')), 'swtpm keeps its state for the VM');
    await remove(vm.uuid);
    assert.equal(existsSync(tpmState(vm.uuid)), false, 'the TPM state is gone with the VM');
    assert.equal(existsSync(live.platform?.nvram ?? ''), false);
  });

  it("says in swtpm's own words why a TPM could not be prepared, and starts once that is put right", async () => {
    const vm = await create(`qxos-tpmfail-${id}`, { os: 'linux', tpm: true });
    // swtpm runs as tss and keeps its certificate authority here: take it away for one start
    // (this suite is the only one on the machine that starts guests with a TPM)
    const ca = '/var/lib/swtpm-localca';
    const mode = statSync(ca).mode & 0o7777;
    chmodSync(ca, 0);
    let res: Awaited<ReturnType<typeof api>>;
    try {
      res = await api('POST', `/vms/${vm.uuid}/actions/start`);
    } finally {
      chmodSync(ca, mode);
    }
    assert.equal(res.status, 502, res.text);
    const { error } = res.json as { error: { code: string; message: string } };
    assert.equal(error.code, 'VM_START_FAILED');
    assert.match(error.message, /TPM emulator \(swtpm\) could not prepare its state/);
    assert.match(error.message, /\(swtpm: Need read\/write rights on statedir \/var\/lib\/swtpm-localca/);
    const live = await start(vm.uuid);
    assert.equal(live.state, 'running');
    await remove(vm.uuid);
  });

  it('starts a Secure Boot VM (through the API where KVM has SMM, else built for TCG and removed through the API)', async () => {
    const name = `qxos-sb-${id}`;
    let uuid: string;
    if (caps.secureBoot.available) {
      uuid = (await create(name, { os: 'linux', firmware: 'uefi', secureBoot: true })).uuid;
    } else {
      // this host's KVM has no SMM: the same builder's XML for software emulation, where QEMU
      // emulates SMM, defined behind the host's back (it picks it up from libvirt's events)
      const disk = join(poolDir, `${name}.qcow2`);
      execFileSync('qemu-img', ['create', '-f', 'qcow2', disk, '16M'], { stdio: 'ignore' });
      const file = join(poolDir, `${name}.xml`);
      writeFileSync(
        file,
        buildDomainXml({
          name,
          virtType: 'qemu',
          vcpus: 1,
          memoryMiB: 256,
          disks: [{ path: disk, format: 'qcow2' }],
          network: { type: 'none' },
          bootOrder: ['hd'],
          firmware: 'uefi',
          secureBoot: true,
          tpm: true,
        }),
      );
      virsh('define', file);
      uuid = virsh('domuuid', name).trim();
      made.set(name, uuid);
      for (let i = 0; i < 100; i++) {
        const list = ((await api('GET', '/vms')).json as { vms: unknown[] }).vms.map((v) =>
          VmSummary.parse(v),
        );
        if (list.some((v) => v.uuid === uuid)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const live = await start(uuid);
    assert.equal(live.platform?.secureBoot, true);
    assert.match(virsh('dumpxml', uuid), /<loader readonly='yes' secure='yes' type='pflash'>/);
    const nvram = live.platform?.nvram ?? '';
    assert.ok(existsSync(nvram), `${nvram} exists`);
    await remove(uuid);
    assert.equal(existsSync(nvram), false);
    assert.equal(existsSync(tpmState(uuid)), false);
  });

  it('says "agent not running" for a guest without one, and shuts down by ACPI instead', async () => {
    // SeaBIOS with an empty disk: a running guest with the agent channel and no agent behind it
    const vm = await create(`qxos-noagent-${id}`, { os: 'linux' });
    assert.equal(vm.platform?.agentChannel, 'unknown');
    const live = await start(vm.uuid);
    assert.equal(live.platform?.agentChannel, 'disconnected');
    const res = await api('GET', `/vms/${vm.uuid}/guest?refresh=true`);
    assert.equal(res.status, 200, res.text);
    const info = VmGuestInfo.parse(res.json);
    assert.equal(info.agent, 'not-running');
    assert.match(info.message ?? '', /agent/i);
    const off = await api('POST', `/vms/${vm.uuid}/actions/shutdown`);
    assert.equal(off.status, 200, off.text);
    assert.ok(
      (await audit()).some((m) => m === `VM "qxos-noagent-${id}": shutdown (ACPI)`),
      'the ACPI fallback was taken and said so',
    );
    await remove(vm.uuid);
  });
});
