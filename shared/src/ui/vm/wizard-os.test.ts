import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VmCreateRequest } from '../../index.ts';
import {
  emptyWizardForm,
  type FirmwareOffer,
  osPresetFields,
  toCreateRequest,
  validateBoot,
  validateFirmware,
  type WizardForm,
} from './wizard-form.ts';

const ALL: FirmwareOffer = {
  uefi: { available: true, reason: null },
  secureBoot: { available: true, reason: null },
  tpm: { available: true, reason: null },
};
const NESTED: FirmwareOffer = { ...ALL, secureBoot: { available: false, reason: 'no SMM here' } };
const form = (change: Partial<WizardForm>): WizardForm => ({
  ...emptyWizardForm(),
  name: 'w',
  disks: [{ pool: 'p', sizeGiB: '20', format: 'qcow2' }],
  network: 'user',
  ...change,
});

test('a preset chooses firmware, TPM, bus and NIC; what the host lacks is left off', () => {
  assert.deepEqual(osPresetFields('win11', ALL), {
    os: 'win11',
    firmware: 'uefi',
    secureBoot: true,
    tpm: true,
    diskBus: 'sata',
    nicModel: 'e1000e',
  });
  assert.equal(osPresetFields('win11', NESTED).secureBoot, false);
  assert.equal(osPresetFields('win11', null).secureBoot, true, 'unknown offers: the host decides');
  assert.deepEqual(osPresetFields('linux', ALL), {
    os: 'linux',
    firmware: 'bios',
    secureBoot: false,
    tpm: false,
    diskBus: 'virtio',
    nicModel: 'virtio',
  });
});

test('firmware choices are checked against what the host offers', () => {
  assert.deepEqual(validateFirmware(form(osPresetFields('win11', ALL)), ALL), {});
  assert.match(
    validateFirmware(form({ firmware: 'uefi', secureBoot: true }), NESTED).secureBoot ?? '',
    /no SMM here/,
  );
  assert.match(
    validateFirmware(form({ firmware: 'bios', secureBoot: true }), ALL).secureBoot ?? '',
    /needs UEFI/,
  );
  const noTpm = { ...ALL, tpm: { available: false, reason: 'install swtpm' } };
  assert.match(validateFirmware(form({ tpm: true }), noTpm).tpm ?? '', /install swtpm/);
  assert.deepEqual(validateFirmware(form({ tpm: true }), null), {}, 'unknown: the host checks');
  assert.ok(validateBoot(form({ firmware: 'bios', secureBoot: true })).secureBoot);
});

test('the request of a Windows 11 form is one the host takes', () => {
  const req = toCreateRequest(form(osPresetFields('win11', ALL)));
  assert.equal(req.os, 'win11');
  assert.equal(req.firmware, 'uefi');
  assert.equal(req.secureBoot, true);
  assert.equal(req.tpm, true);
  assert.equal(req.diskBus, 'sata');
  assert.equal(req.nicModel, 'e1000e');
  assert.ok(VmCreateRequest.safeParse(req).success);
});

test("a form without preset fields (the hub's) sends none of them", () => {
  const {
    os: _o,
    firmware: _f,
    secureBoot: _s,
    tpm: _t,
    diskBus: _d,
    nicModel: _n,
    guestAgent: _g,
    ...bare
  } = form({});
  const req = toCreateRequest(bare);
  for (const k of ['os', 'firmware', 'secureBoot', 'tpm', 'diskBus', 'nicModel', 'guestAgent']) {
    assert.equal(k in req, false, k);
  }
});
