import {
  AbsolutePath,
  AppError,
  type DiskBus,
  type LinkState,
  MacAddress,
  type NicModel,
  type NicNetwork,
} from '@quantix/shared';
import { z } from 'zod';
import { editDomainXml } from './domain-edit.ts';
import {
  buildTree,
  clone,
  el,
  elements,
  ensure,
  first,
  getAttr,
  insert,
  kids,
  parseTree,
  remove,
  replace,
  setAttr,
  tagOf,
  type XNode,
} from './domain-edit-tree.ts';
import { validate } from './xml.ts';

// Disks and NICs of an existing domain: the edited whole document (for DefineXML, the persistent
// definition) and the one device's XML (for AttachDevice/DetachDevice/UpdateDevice on the running
// guest). Devices are found by disk target (`vda`) and NIC MAC, the keys libvirt itself matches.

export interface DeviceEdit {
  /** the whole domain with the change */
  xml: string;
  /** the device as changed (or as removed), for libvirt's device calls */
  device: string;
}

const PREFIX: Record<DiskBus, string> = { virtio: 'vd', sata: 'sd', scsi: 'sd' };

function devicesOf(d: XNode): XNode {
  return ensure(d, 'devices');
}

function targetOf(disk: XNode): string {
  return getAttr(first(disk, 'target'), 'dev') ?? '';
}

function findDisk(d: XNode, target: string): XNode {
  const disk = elements(devicesOf(d), 'disk').find((x) => targetOf(x) === target);
  if (!disk) throw new AppError('DEVICE_NOT_FOUND', `the VM has no disk ${target}`);
  return disk;
}

/** The targets used by these domains' disks (the persistent and the live one). */
export function diskTargets(...xmls: string[]): Set<string> {
  const out = new Set<string>();
  for (const xml of xmls) {
    for (const disk of elements(devicesOf(parseTree(xml, 'domain')), 'disk')) out.add(targetOf(disk));
  }
  return out;
}

/** The first free `vdX`/`sdX` for this bus, after those in `taken`. */
export function freeTarget(bus: DiskBus, taken: Set<string>): string {
  for (let i = 0; i < 26; i++) {
    const t = `${PREFIX[bus]}${String.fromCharCode(97 + i)}`;
    if (!taken.has(t)) return t;
  }
  throw new AppError('EDIT_REFUSED', `no free ${bus} disk name left (26 at most)`);
}

export const DiskDeviceSpec = z.object({
  device: z.enum(['disk', 'cdrom']),
  /** `block` for a logical (LVM) pool's volumes */
  type: z.enum(['file', 'block']).default('file'),
  /** null: an empty CD-ROM drive */
  path: AbsolutePath.nullable(),
  format: z.enum(['qcow2', 'raw']),
  bus: z.enum(['virtio', 'sata', 'scsi']),
  target: z.string().regex(/^(vd|sd)[a-z]$/),
});
export type DiskDeviceSpec = z.input<typeof DiskDeviceSpec>;

function sourceOf(type: 'file' | 'block', path: string): XNode {
  return type === 'block' ? el('source', { dev: path }) : el('source', { file: path });
}

function diskElement(input: DiskDeviceSpec): XNode {
  const s = validate(DiskDeviceSpec, input, 'disk');
  if (s.device === 'cdrom' && s.bus === 'virtio') {
    throw new AppError('VALIDATION_FAILED', 'a CD-ROM drive sits on SATA or SCSI, not virtio');
  }
  const children: XNode[] = [
    el('driver', {
      name: 'qemu',
      type: s.device === 'cdrom' ? 'raw' : s.format,
      discard: s.device === 'disk' ? 'unmap' : undefined,
    }),
  ];
  if (s.path) children.push(sourceOf(s.type, s.path));
  children.push(el('target', { dev: s.target, bus: s.bus }));
  if (s.device === 'cdrom') children.push(el('readonly'));
  return el('disk', { type: s.type, device: s.device }, children);
}

/** A SCSI disk needs a SCSI controller: a virtio-scsi one, unless the VM has one already. */
function ensureScsiController(devices: XNode): void {
  const has = elements(devices, 'controller').some((c) => getAttr(c, 'type') === 'scsi');
  if (!has) insertDevice(devices, el('controller', { type: 'scsi', index: 0, model: 'virtio-scsi' }));
}

// libvirt lists devices by kind: a new one goes after the last of its kind (or before the kinds after it)
const DEVICE_ORDER = ['emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface'];

function insertDevice(devices: XNode, device: XNode): void {
  const tag = tagOf(device) ?? '';
  const list = kids(devices);
  let last = -1;
  list.forEach((k, i) => {
    if (tagOf(k) === tag) last = i;
  });
  if (last >= 0) {
    list.splice(last + 1, 0, device);
    return;
  }
  const rank = DEVICE_ORDER.indexOf(tag);
  const later = rank < 0 ? [] : DEVICE_ORDER.slice(rank + 1);
  const after = list.findIndex((k) => {
    const t = tagOf(k) ?? '';
    return later.includes(t) || (rank >= 0 && t !== '' && !DEVICE_ORDER.includes(t));
  });
  if (after < 0) list.push(device);
  else list.splice(after, 0, device);
}

export function addDisk(xml: string, spec: DiskDeviceSpec): DeviceEdit {
  const disk = diskElement(spec);
  const out = editDomainXml(xml, (d) => {
    const devices = devicesOf(d);
    if (elements(devices, 'disk').some((x) => targetOf(x) === spec.target)) {
      throw new AppError('EDIT_REFUSED', `the VM already has a disk ${spec.target}`);
    }
    if (spec.bus === 'scsi') ensureScsiController(devices);
    insertDevice(devices, disk);
  });
  return { xml: out, device: buildTree(disk) };
}

/** The disk as it is in this document (for DetachDevice), and the document without it. */
export function removeDisk(xml: string, target: string): DeviceEdit {
  let device = '';
  const out = editDomainXml(xml, (d) => {
    const disk = findDisk(d, target);
    device = buildTree(disk);
    remove(devicesOf(d), (k) => k === disk);
  });
  return { xml: out, device };
}

/** The disk's bus (and so its target name, which follows it); its PCI or drive address is libvirt's to pick again. */
export function setDiskBus(
  xml: string,
  target: string,
  bus: DiskBus,
  taken: Set<string>,
): DeviceEdit & { target: string } {
  let device = '';
  let next = target;
  const out = editDomainXml(xml, (d) => {
    const disk = findDisk(d, target);
    if (getAttr(disk, 'device') === 'cdrom' && bus === 'virtio') {
      throw new AppError('EDIT_REFUSED', 'a CD-ROM drive sits on SATA or SCSI, not virtio');
    }
    const t = first(disk, 'target');
    if (!t) throw new AppError('EDIT_REFUSED', `disk ${target} has no target`);
    if (getAttr(t, 'bus') === bus) return;
    const others = new Set([...taken].filter((x) => x !== target));
    next = PREFIX[bus] === target.slice(0, 2) ? target : freeTarget(bus, others);
    setAttr(t, 'dev', next);
    setAttr(t, 'bus', bus);
    remove(disk, (k) => 'address' in k);
    if (bus === 'scsi') ensureScsiController(devicesOf(d));
    device = buildTree(disk);
  });
  return { xml: out, device, target: next };
}

export interface Media {
  path: string;
  type: 'file' | 'block';
}

/**
 * A CD-ROM's medium: inserted, swapped or (null) ejected. Works on the live XML as well: the
 * device answered is what UpdateDevice takes to change the running guest's tray.
 */
export function setCdromMedia(xml: string, target: string, media: Media | null): DeviceEdit {
  if (media) validate(AbsolutePath, media.path, 'path');
  let device = '';
  const out = editDomainXml(xml, (d) => {
    const disk = findDisk(d, target);
    if (getAttr(disk, 'device') !== 'cdrom') {
      throw new AppError('EDIT_REFUSED', `${target} is not a CD-ROM drive: it has no media to change`);
    }
    remove(disk, (k) => 'source' in k || 'backingStore' in k);
    if (media) {
      setAttr(disk, 'type', media.type);
      const driver = ensure(disk, 'driver', ['source', 'target']);
      setAttr(driver, 'name', getAttr(driver, 'name') ?? 'qemu');
      setAttr(driver, 'type', 'raw');
      insert(disk, sourceOf(media.type, media.path), ['target', 'readonly']);
    }
    device = buildTree(disk);
  });
  return { xml: out, device };
}

// ---- NICs ----

function macOf(nic: XNode): string {
  return (getAttr(first(nic, 'mac'), 'address') ?? '').toLowerCase();
}

function findNic(d: XNode, mac: string): XNode {
  const want = mac.toLowerCase();
  const nic = elements(devicesOf(d), 'interface').find((x) => macOf(x) === want);
  if (!nic) throw new AppError('DEVICE_NOT_FOUND', `the VM has no network interface ${mac}`);
  return nic;
}

/** `<source>` for the NIC's network; user mode has none. */
function nicSource(net: NicNetwork): XNode | null {
  if (net.type === 'network') return el('source', { network: net.name });
  if (net.type === 'bridge') return el('source', { bridge: net.name });
  return null;
}

export interface NicSpec {
  network: NicNetwork;
  model: NicModel;
  mac?: string;
  link: LinkState;
}

export function addNic(xml: string, spec: NicSpec): DeviceEdit {
  const mac = spec.mac === undefined ? undefined : validate(MacAddress, spec.mac, 'mac');
  const children: XNode[] = [];
  if (mac) children.push(el('mac', { address: mac }));
  const src = nicSource(spec.network);
  if (src) children.push(src);
  children.push(el('model', { type: spec.model }));
  if (spec.link === 'down') children.push(el('link', { state: 'down' }));
  const nic = el('interface', { type: spec.network.type }, children);
  const out = editDomainXml(xml, (d) => {
    const devices = devicesOf(d);
    if (mac && elements(devices, 'interface').some((x) => macOf(x) === mac)) {
      throw new AppError('EDIT_REFUSED', `the VM already has a network interface with MAC ${mac}`);
    }
    insertDevice(devices, nic);
  });
  return { xml: out, device: buildTree(nic) };
}

export function removeNic(xml: string, mac: string): DeviceEdit {
  let device = '';
  const out = editDomainXml(xml, (d) => {
    const nic = findNic(d, mac);
    device = buildTree(nic);
    remove(devicesOf(d), (k) => k === nic);
  });
  return { xml: out, device };
}

export interface NicChange {
  network?: NicNetwork;
  model?: NicModel;
  mac?: string;
  link?: LinkState;
}

/**
 * A NIC's network, model, MAC or link state. A new network drops what belonged to the old one
 * (its `<source>`, a bridge's `<virtualport>`); a new model drops the PCI address libvirt gave the
 * old one only when the model's bus differs (it never does among ours: all are PCI).
 */
export function updateNic(xml: string, mac: string, change: NicChange): DeviceEdit {
  const newMac = change.mac === undefined ? undefined : validate(MacAddress, change.mac, 'mac');
  let device = '';
  const out = editDomainXml(xml, (d) => {
    const old = findNic(d, mac);
    const nic = clone(old);
    if (newMac && newMac !== mac.toLowerCase()) {
      if (elements(devicesOf(d), 'interface').some((x) => macOf(x) === newMac)) {
        throw new AppError('EDIT_REFUSED', `the VM already has a network interface with MAC ${newMac}`);
      }
      setAttr(ensure(nic, 'mac'), 'address', newMac);
    }
    if (change.network) {
      setAttr(nic, 'type', change.network.type);
      remove(nic, (k) => 'source' in k || 'virtualport' in k);
      const src = nicSource(change.network);
      if (src) insert(nic, src, ['target', 'model', 'driver', 'link', 'address', 'alias', 'boot', 'rom']);
    }
    if (change.model) {
      const model = ensure(nic, 'model', ['driver', 'link', 'address', 'alias']);
      setAttr(model, 'type', change.model);
      // a virtio NIC's <driver> options mean nothing to e1000e or rtl8139
      if (change.model !== 'virtio') remove(nic, (k) => 'driver' in k);
    }
    // written out for "up" too: a missing <link> is "no change" to a running guest's UpdateDevice
    if (change.link) setAttr(ensure(nic, 'link', ['address', 'alias']), 'state', change.link);
    replace(devicesOf(d), old, nic);
    device = buildTree(nic);
  });
  return { xml: out, device };
}
