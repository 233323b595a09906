import {
  AbsolutePath,
  BootDevice,
  BootOrder,
  Description,
  VirtName,
  VirtUuid,
  VmNetworkRef,
  VolumeFormat,
} from '@quantix/shared';
import type { VmDisk, VmGraphics, VmNic } from '@quantix/shared';
import { z } from 'zod';
import {
  attr,
  buildXml,
  child,
  children,
  int,
  path,
  rootElement,
  scaledBytes,
  text,
  validate,
  type XmlNode,
  type XmlObject,
} from './xml.ts';

export const DomainDiskSpec = z.object({
  path: AbsolutePath,
  format: VolumeFormat,
  /** vda, vdb, …; by default the disk's position. */
  target: z
    .string()
    .regex(/^vd[a-z]$/)
    .optional(),
  /** `block` for volumes of a logical (LVM) pool, `file` for the rest. */
  type: z.enum(['file', 'block']).default('file'),
});

export const DomainSpec = z
  .object({
    name: VirtName,
    uuid: VirtUuid.optional(),
    vcpus: z.number().int().min(1).max(64),
    memoryMiB: z.number().int().min(64).max(1_048_576),
    disks: z.array(DomainDiskSpec).min(1).max(8),
    cdrom: z.object({ path: AbsolutePath }).optional(),
    network: VmNetworkRef,
    bootOrder: BootOrder,
    description: Description.optional(),
    /** `kvm` where the host offers hardware virtualization, else `qemu` (software emulation) */
    virtType: z.enum(['kvm', 'qemu']).default('qemu'),
  })
  .superRefine((spec, ctx) => {
    const targets = spec.disks.map((d, i) => d.target ?? diskTarget(i));
    if (new Set(targets).size !== targets.length) {
      ctx.addIssue({ code: 'custom', path: ['disks'], message: 'disk targets must be unique' });
    }
    if (spec.cdrom === undefined && spec.bootOrder.includes('cdrom')) {
      ctx.addIssue({ code: 'custom', path: ['bootOrder'], message: 'booting from cdrom needs a cdrom' });
    }
  });
export type DomainSpec = z.input<typeof DomainSpec>;

function diskTarget(index: number): string {
  return `vd${String.fromCharCode(97 + index)}`;
}

/**
 * A guest for QEMU's software emulation (TCG; there is no /dev/kvm). Machine `q35`: its
 * ICH9 AHCI controller is built in, so the ISO sits on SATA without an extra PCI device, and
 * every current installer supports it. CPU `maximum` is QEMU's `-cpu max`: under TCG it offers
 * every feature TCG emulates, where the default `qemu64` lacks x86-64-v2 and current RHEL-family
 * kernels refuse to boot.
 */
export function buildDomainXml(input: DomainSpec): string {
  const spec = validate(DomainSpec, input, 'domain');
  const disks: XmlObject[] = spec.disks.map((d, i) => ({
    '@_type': d.type,
    '@_device': 'disk',
    driver: { '@_name': 'qemu', '@_type': d.format, '@_discard': 'unmap' },
    source: d.type === 'block' ? { '@_dev': d.path } : { '@_file': d.path },
    target: { '@_dev': d.target ?? diskTarget(i), '@_bus': 'virtio' },
  }));
  if (spec.cdrom) {
    disks.push({
      '@_type': 'file',
      '@_device': 'cdrom',
      driver: { '@_name': 'qemu', '@_type': 'raw' },
      source: { '@_file': spec.cdrom.path },
      target: { '@_dev': 'sda', '@_bus': 'sata' },
      readonly: '',
    });
  }
  const net = spec.network;
  // user: QEMU's own user-mode NAT, which needs nothing on the host (no bridge, no dnsmasq)
  const nic: XmlObject | undefined =
    net.type === 'network'
      ? { '@_type': 'network', source: { '@_network': net.name }, model: { '@_type': 'virtio' } }
      : net.type === 'bridge'
        ? { '@_type': 'bridge', source: { '@_bridge': net.name }, model: { '@_type': 'virtio' } }
        : net.type === 'user'
          ? { '@_type': 'user', model: { '@_type': 'virtio' } }
          : undefined;

  return buildXml({
    domain: {
      '@_type': spec.virtType,
      name: spec.name,
      uuid: spec.uuid,
      description: spec.description || undefined,
      memory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      currentMemory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      vcpu: { '@_placement': 'static', '#text': spec.vcpus },
      os: {
        type: { '@_arch': 'x86_64', '@_machine': 'q35', '#text': 'hvm' },
        boot: spec.bootOrder.map((dev) => ({ '@_dev': dev })),
      },
      features: { acpi: '', apic: '' },
      // KVM: the host's own CPU; TCG: everything QEMU can emulate (see above)
      cpu:
        spec.virtType === 'kvm'
          ? { '@_mode': 'host-passthrough', '@_check': 'none' }
          : { '@_mode': 'maximum', '@_check': 'none' },
      clock: { '@_offset': 'utc' },
      on_poweroff: 'destroy',
      on_reboot: 'restart',
      on_crash: 'destroy',
      devices: {
        disk: disks,
        interface: nic,
        serial: { '@_type': 'pty', target: { '@_port': 0 } },
        console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': 0 } },
        // an absolute pointer, so the browser console's cursor and the guest's agree
        input: { '@_type': 'tablet', '@_bus': 'usb' },
        // loopback only: the host proxies the console to the browser
        graphics: {
          '@_type': 'vnc',
          '@_port': -1,
          '@_autoport': 'yes',
          '@_listen': '127.0.0.1',
          listen: { '@_type': 'address', '@_address': '127.0.0.1' },
        },
        video: { model: { '@_type': 'vga' } },
        memballoon: { '@_model': 'virtio' },
        rng: { '@_model': 'virtio', backend: { '@_model': 'random', '#text': '/dev/urandom' } },
      },
    },
  });
}

export interface ParsedDomain {
  name: string;
  uuid: string;
  vcpus: number;
  memoryMiB: number;
  disks: VmDisk[];
  nics: VmNic[];
  graphics: VmGraphics[];
  bootOrder: BootDevice[];
  os: { arch: string | null; machine: string | null; type: string };
  description: string;
}

const DISK_DEVICES = new Set<VmDisk['device']>(['disk', 'cdrom', 'floppy', 'lun']);
const NIC_TYPES = new Set<VmNic['type']>(['network', 'bridge', 'user', 'direct']);

function parseDisk(node: XmlNode): VmDisk {
  const device = attr(node, 'device') ?? 'disk';
  const source = child(node, 'source');
  return {
    target: attr(child(node, 'target'), 'dev') ?? '',
    device: DISK_DEVICES.has(device as VmDisk['device']) ? (device as VmDisk['device']) : 'disk',
    bus: attr(child(node, 'target'), 'bus') ?? null,
    source: attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'dir') ?? null,
    pool: attr(source, 'pool') ?? null,
    volume: attr(source, 'volume') ?? null,
    format: attr(child(node, 'driver'), 'type') ?? null,
    capacity: null,
  };
}

function parseNic(node: XmlNode): VmNic {
  const type = attr(node, 'type') ?? 'other';
  const source = child(node, 'source');
  return {
    mac: attr(child(node, 'mac'), 'address') ?? null,
    type: NIC_TYPES.has(type as VmNic['type']) ? (type as VmNic['type']) : 'other',
    source: attr(source, 'network') ?? attr(source, 'bridge') ?? attr(source, 'dev') ?? null,
    model: attr(child(node, 'model'), 'type') ?? null,
  };
}

function parseGraphics(node: XmlNode): VmGraphics | null {
  const type = attr(node, 'type');
  if (type !== 'vnc' && type !== 'spice') return null;
  const port = int(attr(node, 'port'));
  return {
    type,
    port: port !== undefined && port > 0 ? port : null,
    listen: attr(node, 'listen') ?? attr(child(node, 'listen'), 'address') ?? null,
  };
}

const BOOT_DEVICES = new Set<string>(BootDevice.options);

/** `<os><boot dev=…/>` when present, else the per-device `<boot order='N'/>` elements. */
function parseBootOrder(os: XmlNode | undefined, devices: XmlNode | undefined): BootDevice[] {
  const fromOs = children(os, 'boot')
    .map((b) => attr(b, 'dev') ?? '')
    .filter((d): d is BootDevice => BOOT_DEVICES.has(d));
  if (fromOs.length > 0) return [...new Set(fromOs)];
  const ordered: { order: number; dev: BootDevice }[] = [];
  for (const disk of children(devices, 'disk')) {
    const order = int(attr(child(disk, 'boot'), 'order'));
    if (order !== undefined) ordered.push({ order, dev: attr(disk, 'device') === 'cdrom' ? 'cdrom' : 'hd' });
  }
  for (const nic of children(devices, 'interface')) {
    const order = int(attr(child(nic, 'boot'), 'order'));
    if (order !== undefined) ordered.push({ order, dev: 'network' });
  }
  return [...new Set(ordered.sort((a, b) => a.order - b.order).map((o) => o.dev))];
}

export function parseDomainXml(xml: string): ParsedDomain {
  const domain = rootElement(xml, 'domain');
  const devices = child(domain, 'devices');
  const os = child(domain, 'os');
  const vcpu = child(domain, 'vcpu');
  const memoryBytes =
    scaledBytes(child(domain, 'currentMemory'), 'KiB') ?? scaledBytes(child(domain, 'memory'), 'KiB') ?? 0;
  return {
    name: text(child(domain, 'name')) ?? '',
    uuid: text(child(domain, 'uuid')) ?? '',
    // `current` is what the guest boots with when fewer vCPUs than the maximum are online
    vcpus: int(attr(vcpu, 'current')) ?? int(text(vcpu)) ?? 0,
    memoryMiB: memoryBytes / 2 ** 20,
    disks: children(devices, 'disk').map(parseDisk),
    nics: children(devices, 'interface').map(parseNic),
    graphics: children(devices, 'graphics')
      .map(parseGraphics)
      .filter((g): g is VmGraphics => g !== null),
    bootOrder: parseBootOrder(os, devices),
    os: {
      arch: attr(path(os, 'type'), 'arch') ?? null,
      machine: attr(path(os, 'type'), 'machine') ?? null,
      type: text(path(os, 'type')) ?? 'hvm',
    },
    description: text(child(domain, 'description')) ?? '',
  };
}
