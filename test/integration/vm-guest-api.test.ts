import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ErrorBody,
  EventList,
  FirmwareCapabilities,
  SnapshotSummary,
  VmDetail,
  VmGuestInfo,
  VmSummary,
} from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

// Issue 9 (OS presets, firmware, TPM, guest agent) through the real host on libvirt's test
// driver, which answers the agent's hostname, addresses and fsfreeze/fsthaw calls itself (as if a
// guest agent ran in every running guest) but has no guest info, no domain capabilities and takes
// no shutdown flags.
describe('OS presets, firmware and the guest agent on test:///default', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  const suffix = randomBytes(3).toString('hex');
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });
  const request = (name: string, extra: object = {}) => ({
    name,
    vcpus: 1,
    memoryMiB: 256,
    disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
    network: { type: 'network', name: 'default' },
    bootOrder: ['hd'],
    autostart: false,
    ...extra,
  });
  const guest = async (uuid: string, refresh = false) => {
    const res = await api('GET', `/vms/${uuid}/guest${refresh ? '?refresh=true' : ''}`);
    assert.equal(res.status, 200, res.text);
    return VmGuestInfo.parse(res.json);
  };

  it('says what firmware new VMs may get (unchecked on a driver without domain capabilities)', async () => {
    const caps = FirmwareCapabilities.parse((await api('GET', '/hypervisor/firmware')).json);
    assert.equal(caps.virtType, 'qemu');
    assert.equal(caps.uefi.available, true);
    assert.match(caps.uefi.reason ?? '', /not checked/);
    assert.equal(caps.hyperv.level, 'off');
  });

  let win = '';
  it('creates a Windows 11 VM from its preset: UEFI + Secure Boot, TPM, SATA, e1000e, agent channel', async () => {
    const res = await api('POST', '/vms', request(`qxos-w11-${suffix}`, { os: 'win11' }));
    assert.equal(res.status, 201, res.text);
    const vm = VmDetail.parse(res.json);
    win = vm.uuid;
    assert.equal(vm.osPreset, 'win11');
    assert.deepEqual(vm.platform, {
      firmware: 'uefi',
      secureBoot: true,
      nvram: null,
      tpm: { model: 'tpm-crb', version: '2.0' },
      agentChannel: 'unknown',
      clock: 'localtime',
      // software emulation: no enlightenments
      hyperv: false,
    });
    assert.deepEqual(
      vm.disks.map((d) => d.bus),
      ['sata'],
    );
    assert.deepEqual(
      vm.nics.map((n) => n.model),
      ['e1000e'],
    );
    const xml = ((await api('GET', `/vms/${win}/xml`)).json as { xml: string }).xml;
    assert.match(xml, /<os firmware='efi'>/);
    assert.match(xml, /<tpm model='tpm-crb'>/);
  });

  it('creates a VM from a request of before presets (an older hub) as before, plus the agent channel', async () => {
    const res = await api('POST', '/vms', request(`qxos-old-${suffix}`));
    assert.equal(res.status, 201, res.text);
    const vm = VmDetail.parse(res.json);
    assert.equal(vm.osPreset, undefined);
    assert.equal(vm.platform?.firmware, 'bios');
    assert.equal(vm.platform?.tpm, null);
    assert.equal(vm.platform?.agentChannel, 'unknown');
    assert.deepEqual(
      vm.disks.map((d) => d.bus),
      ['virtio'],
    );
    assert.equal((await api('DELETE', `/vms/${vm.uuid}?deleteVolumes=true`)).status, 204);
  });

  it('refuses Secure Boot with BIOS before creating anything', async () => {
    const res = await api(
      'POST',
      '/vms',
      request(`qxos-bad-${suffix}`, { firmware: 'bios', secureBoot: true }),
    );
    assert.equal(res.status, 400);
    assert.equal(code(res.json), 'VALIDATION_FAILED');
  });

  it('says the VM is off, then what its agent answers, and caches it for the list', async () => {
    assert.equal((await guest(win)).agent, 'vm-off');
    assert.equal((await api('POST', `/vms/${win}/actions/start`)).status, 200);
    const info = await guest(win, true);
    assert.equal(info.agent, 'connected', JSON.stringify(info));
    assert.ok(info.hostname, 'a hostname');
    assert.ok(info.interfaces.length > 0 && info.interfaces.some((i) => i.addresses.length > 0));
    // the test driver has no guest info: the OS is missing, and said why
    assert.equal(info.os, null);
    assert.match(info.message ?? '', /OS:/);
    const list = ((await api('GET', '/vms')).json as { vms: unknown[] }).vms.map((v) => VmSummary.parse(v));
    const row = list.find((v) => v.uuid === win);
    assert.deepEqual(
      row?.guestAddresses,
      info.interfaces.flatMap((i) => i.addresses.map((a) => a.address)).filter((a) => !a.startsWith('127.')),
    );
    // the fixture VM has no agent channel: said so, not an error
    const test = list.find((v) => v.name === 'test');
    assert.ok(test);
    assert.equal((await guest(test.uuid)).agent, 'not-configured');
    assert.equal(test.guestAddresses, undefined, 'the list never asks an agent');
  });

  it('takes snapshots of a running VM with its filesystems frozen, and says so', async () => {
    const res = await api('POST', `/vms/${win}/snapshots`, { name: 'frozen' });
    assert.equal(res.status, 201, res.text);
    // the mark that a host killed mid-freeze would find at start is gone after the thaw
    const marks = JSON.parse(readFileSync(join(data.dir, 'guest-freezes.json'), 'utf8')) as {
      uuids: string[];
    };
    assert.deepEqual(marks.uuids, []);
    const plain = await api('POST', `/vms/${win}/snapshots`, { name: 'plain', quiesce: false });
    assert.equal(plain.status, 201, plain.text);
    const snaps = (
      (await api('GET', `/vms/${win}/snapshots`)).json as { snapshots: unknown[] }
    ).snapshots.map((s) => SnapshotSummary.parse(s));
    assert.equal(snaps.find((s) => s.name === 'frozen')?.quiesced, true);
    assert.equal(snaps.find((s) => s.name === 'plain')?.quiesced, undefined);
    const events = EventList.parse((await api('GET', '/events?limit=50')).json);
    assert.ok(events.events.some((e) => /snapshot "frozen" created \(filesystems frozen/.test(e.message)));
  });

  it('shuts down through the agent where the driver takes it, else the next way, and says which', async () => {
    const res = await api('POST', `/vms/${win}/actions/shutdown`);
    assert.equal(res.status, 200, res.text);
    assert.equal(VmSummary.parse(res.json).state, 'shutoff');
    const events = EventList.parse((await api('GET', '/events?limit=50')).json);
    // the test driver refuses both the agent and the ACPI flag: its own default was used
    assert.ok(
      events.events.some((e) => /: shutdown \(default\)/.test(e.message)),
      JSON.stringify(events.events.slice(0, 5)),
    );
    assert.equal((await guest(win)).agent, 'vm-off');
    const q = await api('POST', `/vms/${win}/snapshots`, { name: 'nope', quiesce: true });
    assert.equal(q.status, 409);
    assert.equal(code(q.json), 'VM_STATE_INVALID');
  });

  it('removes the VM', async () => {
    assert.equal((await api('DELETE', `/vms/${win}?deleteVolumes=true`)).status, 204);
    assert.equal((await api('GET', `/vms/${win}/guest`)).status, 404);
  });
});
