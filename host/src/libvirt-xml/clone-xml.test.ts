import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloneDomainXml } from './clone-xml.ts';
import { buildDomainXml, parseDomainXml } from './domain-xml.ts';

// libvirt's own inactive XML of a defined template, as `virsh dumpxml --inactive` gives it
const SOURCE = `<domain type='kvm'>
  <name>qximg-tpl</name>
  <uuid>5b2a9f3e-2f7c-4a8e-9a51-0c6d1f2b3a4c</uuid>
  <metadata>
    <quantix:vm xmlns:quantix="https://quantix.dev/xmlns/vm/1">
      <quantix:tags>
        <quantix:tag>web</quantix:tag>
      </quantix:tags>
      <quantix:template>yes</quantix:template>
    </quantix:vm>
  </metadata>
  <memory unit='KiB'>524288</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/qximg-tpl_VARS.fd</nvram>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' discard='unmap'/>
      <source file='/pool/qximg-tpl-disk0.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/pool/debian.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/pool/qximg-tpl-cidata.iso'/>
      <target dev='sdb' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:12:34:56'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;

describe('cloneDomainXml', () => {
  const clone = cloneDomainXml(SOURCE, {
    name: 'qximg-clone',
    disks: [{ from: '/pool/qximg-tpl-disk0.img', to: '/pool/qximg-clone-disk0.qcow2', format: 'qcow2' }],
    isSeed: (p) => p.endsWith('-cidata.iso'),
    seedPath: '/pool/qximg-clone-cidata.iso',
    description: 'from <tpl>',
  });
  const parsed = parseDomainXml(clone);

  it('gets a new name, no UUID and no MAC (libvirt makes new ones)', () => {
    assert.equal(parsed.name, 'qximg-clone');
    assert.equal(parsed.uuid, '');
    assert.equal(parsed.nics[0]?.mac, null);
    assert.equal(parsed.description, 'from <tpl>');
  });
  it('points the disk at its new volume with its format, keeps the ISO, swaps the seed', () => {
    const disks = parsed.disks.map((d) => [d.target, d.device, d.source, d.format]);
    assert.deepEqual(disks, [
      ['vda', 'disk', '/pool/qximg-clone-disk0.qcow2', 'qcow2'],
      ['sda', 'cdrom', '/pool/debian.iso', 'raw'],
      ['sdb', 'cdrom', '/pool/qximg-clone-cidata.iso', 'raw'],
    ]);
  });
  it('is no template, keeps the tags, and gets its own NVRAM from the template file', () => {
    assert.deepEqual(parsed.metadata, { tags: ['web'], template: false });
    assert.match(clone, /<nvram template='\/usr\/share\/OVMF\/OVMF_VARS_4M.fd'\/>/);
    assert.ok(!clone.includes('qximg-tpl_VARS.fd'));
  });
  it('names the clone’s own copy of the NVRAM file when it is given', () => {
    const own = cloneDomainXml(SOURCE, {
      name: 'qximg-clone',
      disks: [],
      isSeed: () => false,
      nvramPath: '/var/lib/libvirt/qemu/nvram/qximg-clone_VARS.fd',
    });
    assert.match(
      own,
      /<nvram template='\/usr\/share\/OVMF\/OVMF_VARS_4M.fd'>\/var\/lib\/libvirt\/qemu\/nvram\/qximg-clone_VARS.fd<\/nvram>/,
    );
    assert.equal(parseDomainXml(own).platform.nvram, '/var/lib/libvirt/qemu/nvram/qximg-clone_VARS.fd');
    // firmware autoselection names no file in the inactive definition: the copy's path is added
    const auto = cloneDomainXml(SOURCE.replace(/\s*<nvram[^>]*>[^<]*<\/nvram>/, ''), {
      name: 'qximg-clone',
      disks: [],
      isSeed: () => false,
      nvramPath: '/var/lib/libvirt/qemu/nvram/qximg-clone_VARS.fd',
    });
    assert.equal(parseDomainXml(auto).platform.nvram, '/var/lib/libvirt/qemu/nvram/qximg-clone_VARS.fd');
  });
  it('leaves out the seed when the clone gets none, and builds on a domain of our own builder', () => {
    const xml = buildDomainXml({
      name: 'qximg-src',
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ path: '/pool/a.qcow2', format: 'qcow2' }],
      seed: { path: '/pool/qximg-src-cidata.iso' },
      network: { type: 'user' },
      bootOrder: ['hd'],
    });
    assert.deepEqual(
      parseDomainXml(xml).disks.map((d) => [d.target, d.device, d.bus]),
      [
        ['vda', 'disk', 'virtio'],
        ['sdb', 'cdrom', 'sata'],
      ],
    );
    const c = parseDomainXml(
      cloneDomainXml(xml, {
        name: 'qximg-c2',
        disks: [{ from: '/pool/a.qcow2', to: '/pool/b.qcow2', format: 'qcow2' }],
        isSeed: (p) => p.endsWith('-cidata.iso'),
      }),
    );
    assert.deepEqual(
      c.disks.map((d) => d.source),
      ['/pool/b.qcow2'],
    );
  });
});
