import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import {
  addDisk,
  addNic,
  diskTargets,
  freeTarget,
  removeDisk,
  removeNic,
  setCdromMedia,
  setDiskBus,
  updateNic,
} from './domain-edit-devices.ts';
import { parseHardwareXml, pendingItems } from './domain-edit-parse.ts';
import {
  bootsFrom,
  editDomainXml,
  setBootOrder,
  setCpuModel,
  setDescription,
  setMemory,
  setVcpus,
} from './domain-edit.ts';
import { fixture, validateWithSchema, validatorMissing } from './libvirt-check.test-helper.ts';
import { buildVmMetadataXml, parseVmMetadata, VM_METADATA } from './vm-metadata.ts';
import { parseXml } from './xml.ts';

const inactive = fixture('qemu-domain-inactive.xml');
const running = fixture('qemu-domain-running.xml');

// what we do not model, put where libvirt (or another tool) would have it
const withExtras = inactive
  .replace(
    '</description>',
    `</description>\n  <metadata>\n    <other:info xmlns:other="urn:other-tool"><other:note a="1">keep me</other:note></other:info>\n  </metadata>`,
  )
  .replace(
    "<clock offset='utc'/>",
    "<clock offset='utc'>\n    <timer name='rtc' tickpolicy='catchup'/>\n  </clock>",
  )
  .replace(
    '</devices>',
    "  <watchdog model='i6300esb' action='reset'/>\n    <!-- a comment -->\n  </devices>\n  <seclabel type='dynamic' model='dac' relabel='yes'/>",
  );

const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

describe('domain-edit: edits keep what we do not model', () => {
  it('an edit that changes nothing gives back the same document', () => {
    const out = editDomainXml(withExtras, () => undefined);
    assert.deepEqual(parseXml(out), parseXml(withExtras));
  });

  it('unknown elements, attributes and comments survive every edit', () => {
    let xml = setVcpus(withExtras, { vcpus: 1, maxVcpus: 4, topology: { sockets: 2, cores: 2, threads: 1 } });
    xml = setMemory(xml, { memoryMiB: 512, currentMemoryMiB: 384 });
    xml = setCpuModel(xml, { mode: 'custom', model: 'Westmere' });
    xml = setBootOrder(xml, ['hd']);
    xml = setDescription(xml, 'new');
    xml = addNic(xml, {
      network: { type: 'user' },
      model: 'e1000e',
      mac: '52:54:00:00:00:01',
      link: 'up',
    }).xml;
    xml = setDiskBus(xml, 'vdb', 'scsi', diskTargets(xml)).xml;
    for (const kept of [
      '<other:note a="1">keep me</other:note>',
      'xmlns:other="urn:other-tool"',
      '<timer name="rtc" tickpolicy="catchup"/>',
      '<watchdog model="i6300esb" action="reset"/>',
      '<!-- a comment -->',
      '<seclabel type="dynamic" model="dac" relabel="yes"/>',
      '<emulator>/usr/bin/qemu-system-x86_64</emulator>',
      '<model name="pcie-root-port"/>',
      '<address type="pci" domain="0x0000" bus="0x03" slot="0x00" function="0x0"/>',
      '<backend model="random">/dev/urandom</backend>',
    ]) {
      assert.ok(xml.includes(kept), `kept: ${kept}`);
    }
  });

  it('escapes text and attribute values it writes', () => {
    const xml = setDescription(inactive, `a </description><devices/> & "q" 'a'`);
    assert.equal(parseHardwareXml(xml).description, `a </description><devices/> & "q" 'a'`);
    assert.equal((xml.match(/<devices>/g) ?? []).length, 1);
    // the recorded description (with every entity) reads back the same after an unrelated edit
    const other = setMemory(inactive, { memoryMiB: 256, currentMemoryMiB: 256 });
    assert.equal(parseHardwareXml(other).description, parseHardwareXml(inactive).description);
  });
});

describe('domain-edit: vCPUs, memory, CPU, boot order', () => {
  it('sets the maximum, the vCPUs online at start and the topology', () => {
    const xml = setVcpus(inactive, { vcpus: 2, maxVcpus: 4, topology: { sockets: 1, cores: 4, threads: 1 } });
    assert.match(xml, /<vcpu placement="static" current="2">4<\/vcpu>/);
    const hw = parseHardwareXml(xml);
    assert.deepEqual([hw.vcpus, hw.maxVcpus, hw.topology], [2, 4, { sockets: 1, cores: 4, threads: 1 }]);
    // as many online as the maximum: no `current`
    assert.match(setVcpus(xml, { vcpus: 4, maxVcpus: 4 }), /<vcpu placement="static">4<\/vcpu>/);
    // a topology that no longer fits the new maximum goes (libvirt would refuse it)
    const two = parseHardwareXml(setVcpus(xml, { vcpus: 2, maxVcpus: 2 }));
    assert.equal(two.topology, null);
    assert.equal(parseHardwareXml(setVcpus(xml, { vcpus: 4, maxVcpus: 4 })).topology?.cores, 4);
    assert.equal(parseHardwareXml(setVcpus(xml, { vcpus: 4, maxVcpus: 4, topology: null })).topology, null);
  });

  it('refuses more vCPUs than the maximum and a topology that does not add up', () => {
    assert.throws(() => setVcpus(inactive, { vcpus: 3, maxVcpus: 2 }), code('VALIDATION_FAILED'));
    assert.throws(
      () => setVcpus(inactive, { vcpus: 2, maxVcpus: 4, topology: { sockets: 1, cores: 2, threads: 1 } }),
      code('VALIDATION_FAILED'),
    );
  });

  it('sets the memory maximum and the balloon target in KiB', () => {
    const xml = setMemory(inactive, { memoryMiB: 1024, currentMemoryMiB: 512 });
    assert.match(xml, /<memory unit="KiB">1048576<\/memory>/);
    assert.match(xml, /<currentMemory unit="KiB">524288<\/currentMemory>/);
    const hw = parseHardwareXml(xml);
    assert.deepEqual([hw.memoryMiB, hw.currentMemoryMiB], [1024, 512]);
    assert.throws(
      () => setMemory(inactive, { memoryMiB: 256, currentMemoryMiB: 512 }),
      code('VALIDATION_FAILED'),
    );
  });

  it('changes the CPU model and keeps the topology', () => {
    const topo = setVcpus(inactive, {
      vcpus: 2,
      maxVcpus: 2,
      topology: { sockets: 1, cores: 2, threads: 1 },
    });
    const named = setCpuModel(topo, { mode: 'custom', model: 'Westmere' });
    assert.match(named, /<cpu mode="custom" match="exact" check="none">/);
    assert.match(named, /<model fallback="forbid">Westmere<\/model>/);
    assert.deepEqual(parseHardwareXml(named).cpu, { mode: 'custom', model: 'Westmere' });
    assert.equal(parseHardwareXml(named).topology?.cores, 2);
    const back = setCpuModel(named, { mode: 'host-passthrough' });
    assert.deepEqual(parseHardwareXml(back).cpu, { mode: 'host-passthrough', model: null });
    assert.doesNotMatch(back.slice(back.indexOf('<cpu'), back.indexOf('</cpu>')), /<model/);
    assert.equal(parseHardwareXml(back).topology?.cores, 2);
    assert.throws(
      () => setCpuModel(inactive, { mode: 'custom', model: 'x</model>' }),
      code('VALIDATION_FAILED'),
    );
  });

  it('writes the boot order into <os> and drops per-device boot entries', () => {
    const perDevice = inactive
      .replace("<boot dev='cdrom'/>\n    <boot dev='hd'/>\n", '')
      .replace(
        "<target dev='vda' bus='virtio'/>",
        "<target dev='vda' bus='virtio'/>\n      <boot order='1'/>",
      );
    assert.equal(bootsFrom(perDevice, 'hd'), true);
    assert.equal(bootsFrom(perDevice, 'cdrom'), false);
    const xml = setBootOrder(perDevice, ['network', 'hd']);
    assert.deepEqual(parseHardwareXml(xml).bootOrder, ['network', 'hd']);
    assert.doesNotMatch(xml, /<boot order/);
    assert.match(xml, /<type arch="x86_64" machine="pc-q35-7.2">hvm<\/type>\s*<boot dev="network"\/>/);
    const noNic = removeNic(inactive, '52:54:00:ab:7e:ff').xml;
    assert.throws(() => setBootOrder(noNic, ['network']), code('EDIT_REFUSED'));
  });
});

describe('domain-edit: disks and CD-ROMs', () => {
  it('adds a disk on the next free target, and a SCSI controller for SCSI', () => {
    const taken = diskTargets(inactive, running);
    assert.deepEqual([...taken].sort(), ['sda', 'vda', 'vdb']);
    assert.equal(freeTarget('virtio', taken), 'vdc');
    assert.equal(freeTarget('scsi', taken), 'sdb');
    const added = addDisk(inactive, {
      device: 'disk',
      path: '/pool/new.qcow2',
      format: 'qcow2',
      bus: 'scsi',
      target: 'sdb',
    });
    assert.equal(
      added.device,
      '<disk type="file" device="disk">\n  <driver name="qemu" type="qcow2" discard="unmap"/>\n  <source file="/pool/new.qcow2"/>\n  <target dev="sdb" bus="scsi"/>\n</disk>',
    );
    assert.match(added.xml, /<controller type="scsi" index="0" model="virtio-scsi"\/>/);
    const disks = parseHardwareXml(added.xml).disks;
    assert.deepEqual(
      disks.map((d) => d.target),
      ['vda', 'vdb', 'sda', 'sdb'],
    );
    assert.throws(
      () => addDisk(inactive, { device: 'disk', path: '/x', format: 'raw', bus: 'virtio', target: 'vda' }),
      code('EDIT_REFUSED'),
    );
    assert.throws(
      () =>
        addDisk(inactive, { device: 'disk', path: '/a/../b', format: 'raw', bus: 'virtio', target: 'vdc' }),
      code('VALIDATION_FAILED'),
    );
  });

  it('adds an empty CD-ROM drive and inserts, swaps and ejects its medium', () => {
    const drive = addDisk(inactive, {
      device: 'cdrom',
      path: null,
      format: 'raw',
      bus: 'sata',
      target: 'sdb',
    });
    assert.doesNotMatch(drive.device, /<source/);
    assert.match(drive.device, /<readonly\/>/);
    const inserted = setCdromMedia(drive.xml, 'sdb', { path: '/pool/debian.iso', type: 'file' });
    assert.equal(
      parseHardwareXml(inserted.xml).disks.find((d) => d.target === 'sdb')?.source,
      '/pool/debian.iso',
    );
    // on the running guest's XML: its alias and address stay, the old source (with its index) goes
    const swapped = setCdromMedia(running, 'sda', { path: '/pool/other.iso', type: 'file' });
    assert.match(swapped.device, /<source file="\/pool\/other.iso"\/>/);
    assert.match(swapped.device, /<alias name="sata0-0-0"\/>/);
    assert.doesNotMatch(swapped.device, /index=|backingStore/);
    const ejected = setCdromMedia(running, 'sda', null);
    assert.doesNotMatch(ejected.device, /<source/);
    assert.equal(parseHardwareXml(ejected.xml).disks.find((d) => d.target === 'sda')?.source, null);
    assert.throws(() => setCdromMedia(inactive, 'vda', null), code('EDIT_REFUSED'));
    assert.throws(() => setCdromMedia(inactive, 'vdz', null), code('DEVICE_NOT_FOUND'));
  });

  it('moves a disk to another bus under a new name, without its old address', () => {
    const moved = setDiskBus(inactive, 'vdb', 'sata', diskTargets(inactive));
    assert.equal(moved.target, 'sdb');
    const disk = parseHardwareXml(moved.xml).disks.find((d) => d.source === '/tmp/lxe/c.raw');
    assert.deepEqual([disk?.target, disk?.bus], ['sdb', 'sata']);
    assert.doesNotMatch(moved.device, /<address/);
    assert.throws(() => setDiskBus(inactive, 'sda', 'virtio', new Set()), code('EDIT_REFUSED'));
  });

  it('removes a disk and answers it as libvirt had it (for DetachDevice)', () => {
    const removed = removeDisk(inactive, 'vdb');
    assert.match(removed.device, /<source file="\/tmp\/lxe\/c.raw"\/>/);
    assert.deepEqual(
      parseHardwareXml(removed.xml).disks.map((d) => d.target),
      ['vda', 'sda'],
    );
    assert.throws(() => removeDisk(inactive, 'vdq'), code('DEVICE_NOT_FOUND'));
  });
});

describe('domain-edit: NICs', () => {
  it('adds one with its MAC, model and link state', () => {
    const added = addNic(inactive, {
      network: { type: 'network', name: 'default' },
      model: 'rtl8139',
      mac: '52:54:00:AA:00:01',
      link: 'down',
    });
    assert.equal(
      added.device,
      '<interface type="network">\n  <mac address="52:54:00:aa:00:01"/>\n  <source network="default"/>\n  <model type="rtl8139"/>\n  <link state="down"/>\n</interface>',
    );
    const nics = parseHardwareXml(added.xml).nics;
    assert.deepEqual(nics[1], {
      mac: '52:54:00:aa:00:01',
      type: 'network',
      source: 'default',
      model: 'rtl8139',
      link: 'down',
    });
    // after the existing NIC, before the serial port
    assert.match(added.xml, /52:54:00:ab:7e:ff[\s\S]*52:54:00:aa:00:01[\s\S]*<serial/);
    assert.throws(
      () =>
        addNic(inactive, {
          network: { type: 'user' },
          model: 'virtio',
          mac: '52:54:00:ab:7e:ff',
          link: 'up',
        }),
      code('EDIT_REFUSED'),
    );
    assert.throws(
      () =>
        addNic(inactive, {
          network: { type: 'user' },
          model: 'virtio',
          mac: '01:00:00:00:00:01',
          link: 'up',
        }),
      code('VALIDATION_FAILED'),
    );
  });

  it('changes network, model, MAC and link, keeping the PCI address', () => {
    const mac = '52:54:00:ab:7e:ff';
    const bridged = updateNic(inactive, mac, { network: { type: 'bridge', name: 'br0' }, model: 'e1000e' });
    assert.match(bridged.device, /<interface type="bridge">/);
    assert.match(bridged.device, /<source bridge="br0"\/>/);
    assert.match(bridged.device, /<model type="e1000e"\/>/);
    assert.match(bridged.device, /<address type="pci"/);
    const down = updateNic(running, mac, { link: 'down' });
    assert.match(down.device, /<link state="down"\/>/);
    assert.match(down.device, /<alias name="net0"\/>/);
    assert.equal(parseHardwareXml(down.xml).nics[0]?.link, 'down');
    const up = updateNic(down.xml, mac, { link: 'up' });
    assert.match(up.device, /<link state="up"\/>/);
    const user = updateNic(bridged.xml, mac, { network: { type: 'user' }, mac: '52:54:00:00:00:99' });
    assert.doesNotMatch(user.device, /<source/);
    assert.equal(parseHardwareXml(user.xml).nics[0]?.mac, '52:54:00:00:00:99');
    assert.throws(() => updateNic(inactive, '52:54:00:00:00:00', { link: 'up' }), code('DEVICE_NOT_FOUND'));
  });

  it('removes one', () => {
    const removed = removeNic(inactive, '52:54:00:AB:7E:FF');
    assert.equal(parseHardwareXml(removed.xml).nics.length, 0);
    assert.match(removed.device, /<mac address="52:54:00:ab:7e:ff"\/>/);
  });
});

describe('domain-edit: what is pending', () => {
  it('the running and the persistent definitions of a VM just started are the same', () => {
    assert.deepEqual(pendingItems(parseHardwareXml(running), parseHardwareXml(inactive)), []);
    assert.deepEqual(pendingItems(null, parseHardwareXml(inactive)), []);
    // an empty drive: the running copy (recorded) has no <driver type> where the definition has one
    const emptyDef = setCdromMedia(inactive, 'sda', null).xml;
    const emptyLive = setCdromMedia(running, 'sda', null).xml.replace(
      /(<disk type="file" device="cdrom">\s*)<driver name="qemu" type="raw"\/>/,
      '$1',
    );
    assert.notEqual(emptyLive, setCdromMedia(running, 'sda', null).xml);
    assert.deepEqual(pendingItems(parseHardwareXml(emptyLive), parseHardwareXml(emptyDef)), []);
  });

  it('names each item the next start changes', () => {
    // a balloon target beyond the running maximum waits too
    const big = setMemory(inactive, { memoryMiB: 512, currentMemoryMiB: 300 });
    assert.deepEqual(pendingItems(parseHardwareXml(running), parseHardwareXml(big)), [
      'memory',
      'currentMemory',
    ]);
    let xml = setVcpus(inactive, { vcpus: 2, maxVcpus: 4 });
    xml = setMemory(xml, { memoryMiB: 512, currentMemoryMiB: 200 });
    xml = setCdromMedia(xml, 'sda', null).xml;
    xml = removeDisk(xml, 'vdb').xml;
    xml = updateNic(xml, '52:54:00:ab:7e:ff', { model: 'e1000e' }).xml;
    xml = setBootOrder(xml, ['hd']);
    assert.deepEqual(pendingItems(parseHardwareXml(running), parseHardwareXml(xml)), [
      'maxVcpus',
      'memory',
      'bootOrder',
      'disk:vdb',
      'disk:sda',
      'nic:52:54:00:ab:7e:ff',
    ]);
  });
});

describe('VM metadata: start order and delay', () => {
  it('round-trips beside tags, and is left out when unset', () => {
    const xml = buildVmMetadataXml({ tags: ['web'], template: false, startOrder: 2, startDelaySeconds: 30 });
    const prefixed = xml
      .replace('<vm>', `<quantix:vm xmlns:quantix="${VM_METADATA.uri}">`)
      .replace('</vm>', '</quantix:vm>')
      .replace(/<(\/?)(tags|tag|template|start-order|start-delay)>/g, '<$1quantix:$2>');
    const domain = `<domain><name>a</name><metadata>${prefixed}</metadata></domain>`;
    assert.deepEqual(parseVmMetadata(domain), {
      tags: ['web'],
      template: false,
      startOrder: 2,
      startDelaySeconds: 30,
    });
    assert.doesNotMatch(buildVmMetadataXml({ tags: [], template: false }), /start/);
  });
});

describe('domain-edit: libvirt accepts the edited XML', { skip: validatorMissing }, () => {
  it('passes libvirt’s domain schema after every kind of edit', async () => {
    let xml = setVcpus(inactive, { vcpus: 1, maxVcpus: 4, topology: { sockets: 2, cores: 2, threads: 1 } });
    xml = setMemory(xml, { memoryMiB: 512, currentMemoryMiB: 384 });
    xml = setCpuModel(xml, { mode: 'custom', model: 'Westmere' });
    xml = setBootOrder(xml, ['cdrom', 'hd', 'network']);
    xml = addDisk(xml, {
      device: 'disk',
      path: '/p/x.qcow2',
      format: 'qcow2',
      bus: 'scsi',
      target: 'sdb',
    }).xml;
    xml = addDisk(xml, { device: 'cdrom', path: null, format: 'raw', bus: 'sata', target: 'sdc' }).xml;
    xml = setDiskBus(xml, 'vdb', 'sata', diskTargets(xml)).xml;
    xml = setCdromMedia(xml, 'sda', null).xml;
    xml = addNic(xml, { network: { type: 'bridge', name: 'br0' }, model: 'e1000e', link: 'down' }).xml;
    xml = updateNic(xml, '52:54:00:ab:7e:ff', { link: 'down', model: 'rtl8139' }).xml;
    await validateWithSchema(xml, 'domain');
  });
});
