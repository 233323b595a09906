import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDomainCapsFirmware } from './domain-caps-xml.ts';
import { buildDomainXml, buildProbeDomainXml, type DomainSpec, parseDomainXml } from './domain-xml.ts';
import {
  fixture,
  validateWithSchema,
  validationFailure,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';
import { buildVmMetadataXml, parseVmMetadata, VM_METADATA } from './vm-metadata.ts';

// Issue 9: OS presets (bus, NIC model, clock, Hyper-V), UEFI / Secure Boot, TPM, agent channel.

const BASE: DomainSpec = {
  name: 'qxos-win11',
  uuid: '5c0e2a8e-7d1b-4f43-9e55-0d4f3d1a9b11',
  vcpus: 2,
  memoryMiB: 4096,
  disks: [{ path: '/var/lib/quantix/images/qxos-win11-disk0.qcow2', format: 'qcow2' }],
  cdrom: { path: '/var/lib/quantix/iso/Win11_23H2.iso' },
  network: { type: 'network', name: 'default' },
  bootOrder: ['cdrom', 'hd'],
};
const WIN11: DomainSpec = {
  ...BASE,
  virtType: 'kvm',
  diskBus: 'sata',
  nicModel: 'e1000e',
  firmware: 'uefi',
  secureBoot: true,
  tpm: true,
  clock: 'localtime',
  hyperv: 'full',
};

describe('buildDomainXml: presets, firmware, TPM, agent', () => {
  it('builds a Windows 11 guest: SATA, e1000e, UEFI with Secure Boot (SMM), TPM 2.0, local time, Hyper-V', () => {
    const xml = buildDomainXml(WIN11);
    assert.match(xml, /<os firmware="efi">/);
    assert.match(xml, /<feature enabled="yes" name="secure-boot"\/>/);
    assert.match(xml, /<feature enabled="yes" name="enrolled-keys"\/>/);
    assert.match(xml, /<smm state="on"\/>/);
    assert.match(xml, /<tpm model="tpm-crb">\s*<backend type="emulator" version="2.0"\/>/);
    assert.match(xml, /<target dev="sda" bus="sata"\/>/);
    // the ISO after the SATA disk, not on top of it
    assert.match(
      xml,
      /<source file="\/var\/lib\/quantix\/iso\/Win11_23H2.iso"\/>\s*<target dev="sdb" bus="sata"\/>/,
    );
    assert.match(xml, /<model type="e1000e"\/>/);
    assert.match(xml, /<clock offset="localtime">/);
    assert.match(xml, /<timer name="hypervclock" present="yes"\/>/);
    assert.match(xml, /<hyperv mode="custom">[\s\S]*<vpindex state="on"\/>/);
    assert.match(
      xml,
      /<channel type="unix">\s*<target type="virtio" name="org.qemu.guest_agent.0"\/>\s*<\/channel>/,
    );
    const d = parseDomainXml(xml);
    assert.deepEqual(d.platform, {
      firmware: 'uefi',
      secureBoot: true,
      nvram: null,
      tpm: { model: 'tpm-crb', version: '2.0' },
      agentChannel: 'unknown',
      clock: 'localtime',
      hyperv: true,
    });
    assert.deepEqual(
      d.disks.map((x) => [x.device, x.target, x.bus]),
      [
        ['disk', 'sda', 'sata'],
        ['cdrom', 'sdb', 'sata'],
      ],
    );
  });

  it('says "no Secure Boot" for plain UEFI: libvirt would otherwise pick the Secure Boot build', () => {
    const xml = buildDomainXml({ ...BASE, firmware: 'uefi' });
    assert.match(xml, /<feature enabled="no" name="secure-boot"\/>/);
    assert.doesNotMatch(xml, /enrolled-keys|<smm/);
    assert.equal(parseDomainXml(xml).platform.secureBoot, false);
  });

  it('keeps the pre-preset defaults: BIOS, virtio, UTC, no TPM, and the agent channel', () => {
    const xml = buildDomainXml(BASE);
    assert.doesNotMatch(xml, /firmware=|<tpm|<hyperv|<smm/);
    assert.match(xml, /<target dev="vda" bus="virtio"\/>/);
    assert.match(xml, /<target dev="sda" bus="sata"\/>/);
    const p = parseDomainXml(xml).platform;
    assert.equal(p.firmware, 'bios');
    assert.equal(p.agentChannel, 'unknown');
    assert.equal(
      parseDomainXml(buildDomainXml({ ...BASE, guestAgent: false })).platform.agentChannel,
      'none',
    );
  });

  it('leaves Hyper-V enlightenments out under software emulation (QEMU refuses VP_INDEX there)', () => {
    const xml = buildDomainXml({ ...WIN11, virtType: 'qemu', secureBoot: false });
    assert.doesNotMatch(xml, /<hyperv|hypervclock/);
    assert.match(buildDomainXml({ ...WIN11, hyperv: 'basic' }), /<spinlocks state="on" retries="8191"\/>/);
    assert.doesNotMatch(buildDomainXml({ ...WIN11, hyperv: 'basic' }), /vpindex|hypervclock/);
    // the full set with UTC (not a preset's, but a valid spec) has the Hyper-V clock as well
    assert.match(
      buildDomainXml({ ...WIN11, clock: 'utc' }),
      /<clock offset="utc">\s*<timer name="hypervclock" present="yes"\/>/,
    );
  });

  it('refuses Secure Boot without UEFI', () => {
    assert.throws(() => buildDomainXml({ ...BASE, secureBoot: true }), validationFailure);
  });

  it('builds probe guests with SMM or Hyper-V', () => {
    const p = { name: 'qx-cpu-probe-x-1', uuid: BASE.uuid ?? '', virtType: 'kvm' as const };
    assert.match(buildProbeDomainXml({ ...p, cpu: { mode: 'maximum' }, smm: true }), /<smm state="on"\/>/);
    const basic = buildProbeDomainXml({ ...p, cpu: { mode: 'maximum' }, hyperv: 'basic' });
    assert.match(basic, /<relaxed state="on"\/>/);
    assert.doesNotMatch(basic, /hypervclock/);
    // as the VMs it stands for: QEMU refuses the full set's hv-stimer without hv-time (the Hyper-V clock)
    const full = buildProbeDomainXml({ ...p, cpu: { mode: 'maximum' }, hyperv: 'full' });
    assert.match(full, /<stimer state="on"\/>/);
    assert.match(full, /<clock offset="utc">\s*<timer name="hypervclock" present="yes"\/>\s*<\/clock>/);
    const rom = buildProbeDomainXml({ ...p, cpu: { mode: 'maximum' }, loaderRom: '/usr/share/ovmf/OVMF.fd' });
    assert.match(rom, /<loader readonly="yes" type="rom">\/usr\/share\/ovmf\/OVMF.fd<\/loader>/);
    assert.throws(
      () => buildProbeDomainXml({ ...p, cpu: { mode: 'maximum' }, loaderRom: '../x' }),
      validationFailure,
    );
  });

  it("passes libvirt's RelaxNG schema", { skip: validatorMissing }, async () => {
    for (const spec of [
      WIN11,
      { ...BASE, firmware: 'uefi' as const },
      { ...WIN11, hyperv: 'basic' as const },
    ]) {
      assert.match(await validateWithSchema(buildDomainXml(spec), 'domain'), /validates/);
    }
    const probe = buildProbeDomainXml({
      name: 'qx-cpu-probe-x-1',
      uuid: BASE.uuid ?? '',
      virtType: 'kvm',
      cpu: { mode: 'custom', model: 'qemu64' },
      smm: true,
      hyperv: 'full',
      loaderRom: '/usr/share/ovmf/OVMF.fd',
    });
    assert.match(await validateWithSchema(probe, 'domain'), /validates/);
  });

  it('round-trips through libvirt (test driver)', { skip: virshMissing }, async () => {
    const out = await virshRoundTrip(buildDomainXml(WIN11), 'define', `dumpxml ${WIN11.name}`);
    const d = parseDomainXml(out);
    assert.equal(d.platform.firmware, 'uefi');
    assert.equal(d.platform.secureBoot, true);
    assert.deepEqual(d.platform.tpm, { model: 'tpm-crb', version: '2.0' });
    assert.equal(d.platform.agentChannel, 'unknown');
    assert.equal(d.platform.hyperv, true);
  });
});

describe('parseDomainXml: what libvirt made of a UEFI guest', () => {
  it('reads the loader and NVRAM firmware autoselection picked, and the agent channel state', () => {
    const running = parseDomainXml(fixture('qemu-domain-uefi-tpm-running.xml'));
    assert.deepEqual(running.platform, {
      firmware: 'uefi',
      secureBoot: true,
      nvram: '/var/lib/libvirt/qemu/nvram/qxos-fixture-w11_VARS.fd',
      tpm: { model: 'tpm-crb', version: '2.0' },
      agentChannel: 'disconnected',
      clock: 'localtime',
      hyperv: false,
    });
    const inactive = parseDomainXml(fixture('qemu-domain-uefi-tpm-inactive.xml'));
    assert.equal(inactive.platform.firmware, 'uefi');
    assert.equal(inactive.platform.secureBoot, true);
    assert.equal(inactive.platform.agentChannel, 'unknown');
  });

  it('reads a BIOS guest from before presets as BIOS without agent channel or TPM', () => {
    const p = parseDomainXml(fixture('qemu-domain-inactive.xml')).platform;
    assert.equal(p.firmware, 'bios');
    assert.equal(p.tpm, null);
    assert.equal(p.agentChannel, 'none');
  });
});

describe('parseDomainCapsFirmware', () => {
  it('finds OVMF, its Secure Boot build and swtpm for q35', () => {
    assert.deepEqual(parseDomainCapsFirmware(fixture('domcaps-kvm-q35-ovmf-swtpm.xml')), {
      efi: true,
      secureBoot: true,
      tpm20: true,
    });
  });
  it("finds no Secure Boot build for the pc machine (libvirt's default)", () => {
    const caps = parseDomainCapsFirmware(fixture('domcaps-kvm-pc-ovmf.xml'));
    assert.equal(caps.efi, true);
    assert.equal(caps.secureBoot, false);
  });
  it('finds nothing on a host without OVMF or swtpm', () => {
    assert.deepEqual(parseDomainCapsFirmware(fixture('domcaps-kvm-intel-nested.xml')), {
      efi: false,
      secureBoot: false,
      tpm20: false,
    });
  });
});

describe('VM metadata: OS preset and quiesced snapshots', () => {
  it('builds what parses back', () => {
    const xml = buildVmMetadataXml({
      tags: [],
      template: false,
      osPreset: 'win11',
      quiescedSnapshots: ['s1', 'b-2'],
    });
    const prefixed = xml
      .replace('<vm>', `<quantix:vm xmlns:quantix="${VM_METADATA.uri}">`)
      .replace('</vm>', '</quantix:vm>')
      .replace(/<(\/?)(os|quiesced|snapshot)>/g, '<$1quantix:$2>');
    const domain = `<domain><name>a</name><metadata>${prefixed}</metadata></domain>`;
    assert.deepEqual(parseVmMetadata(domain), {
      tags: [],
      template: false,
      osPreset: 'win11',
      quiescedSnapshots: ['s1', 'b-2'],
    });
    const bad = domain.replace('win11', 'win95');
    assert.equal(parseVmMetadata(bad).osPreset, undefined);
  });
});
