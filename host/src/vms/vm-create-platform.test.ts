import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FirmwareCapabilities, VmCreateRequest } from '@quantix/shared';
import { resolvePlatform } from './vm-create-platform.ts';

const REQ: VmCreateRequest = {
  name: 'qxos-a',
  vcpus: 1,
  memoryMiB: 512,
  disks: [{ pool: 'p', sizeGiB: 1, format: 'qcow2' }],
  network: { type: 'user' },
  bootOrder: ['hd'],
  autostart: false,
};
const ALL: FirmwareCapabilities = {
  virtType: 'kvm',
  probing: false,
  uefi: { available: true, reason: null },
  secureBoot: { available: true, reason: null },
  tpm: { available: true, reason: null },
  hyperv: { level: 'full', reason: null },
};
const NESTED: FirmwareCapabilities = {
  ...ALL,
  secureBoot: { available: false, reason: 'no SMM' },
  hyperv: { level: 'off', reason: 'MSR crash' },
};

describe('resolvePlatform', () => {
  it('gives a request without a preset what Quantix made before presets: BIOS, virtio, agent', () => {
    const { spec, notes } = resolvePlatform(REQ, ALL);
    assert.deepEqual(spec, {
      diskBus: 'virtio',
      nicModel: 'virtio',
      firmware: 'bios',
      secureBoot: false,
      tpm: false,
      clock: 'utc',
      hyperv: 'off',
      guestAgent: true,
    });
    assert.deepEqual(notes, []);
  });

  it('fills in the Windows 11 preset', () => {
    const { spec } = resolvePlatform({ ...REQ, os: 'win11' }, ALL);
    assert.deepEqual(spec, {
      diskBus: 'sata',
      nicModel: 'e1000e',
      firmware: 'uefi',
      secureBoot: true,
      tpm: true,
      clock: 'localtime',
      hyperv: 'full',
      guestAgent: true,
    });
  });

  it('lets the request overrule the preset', () => {
    const { spec } = resolvePlatform(
      { ...REQ, os: 'win11', diskBus: 'virtio', nicModel: 'virtio', tpm: false, guestAgent: false },
      ALL,
    );
    assert.equal(spec.diskBus, 'virtio');
    assert.equal(spec.tpm, false);
    assert.equal(spec.guestAgent, false);
    assert.equal(resolvePlatform({ ...REQ, os: 'win10', firmware: 'bios' }, ALL).spec.firmware, 'bios');
  });

  it('drops a preset default the host cannot give, and says so', () => {
    const { spec, notes } = resolvePlatform({ ...REQ, os: 'win11' }, NESTED);
    assert.equal(spec.secureBoot, false);
    assert.equal(spec.firmware, 'uefi');
    assert.equal(spec.hyperv, 'off');
    assert.ok(notes.some((n) => /Secure Boot.*no SMM/.test(n)));
    assert.ok(notes.some((n) => /Hyper-V.*MSR crash/.test(n)));
  });

  it('refuses what was asked for and is not there', () => {
    assert.throws(
      () => resolvePlatform({ ...REQ, firmware: 'uefi', secureBoot: true }, NESTED),
      (e: { code?: string; message: string }) => e.code === 'VALIDATION_FAILED' && /no SMM/.test(e.message),
    );
    assert.throws(
      () => resolvePlatform({ ...REQ, firmware: 'bios', secureBoot: true }, ALL),
      (e: { code?: string }) => e.code === 'VALIDATION_FAILED',
    );
    const noTpm = { ...ALL, tpm: { available: false, reason: 'install swtpm' } };
    assert.throws(() => resolvePlatform({ ...REQ, tpm: true }, noTpm), /install swtpm/);
  });
});
