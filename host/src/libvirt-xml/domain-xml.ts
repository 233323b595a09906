import {
  AbsolutePath,
  BootDevice,
  BootOrder,
  Description,
  VirtName,
  VirtUuid,
  VmCpu,
  VmNetworkRef,
  VolumeFormat,
} from '@quantix/shared';
import type { VmDisk, VmGraphics, VmMetadata, VmNic } from '@quantix/shared';
import { z } from 'zod';
import { parseVmMetadata } from './vm-metadata.ts';
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
    /** the cloud-init seed ISO: a second SATA CD-ROM (sdb) */
    seed: z.object({ path: AbsolutePath }).optional(),
    network: VmNetworkRef,
    bootOrder: BootOrder,
    description: Description.optional(),
    /** `kvm` where the host offers hardware virtualization, else `qemu` (software emulation) */
    virtType: z.enum(['kvm', 'qemu']).default('qemu'),
    /** by default a named model that runs on any x86-64 KVM host (qemu64), or QEMU's `maximum` under TCG */
    cpu: VmCpu.optional(),
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
 * A guest for KVM, or for QEMU's software emulation (TCG) where there is no /dev/kvm. Machine
 * `q35`: its ICH9 AHCI controller is built in, so the ISO sits on SATA without an extra PCI
 * device, and every current installer supports it. The CPU is what the caller chose (the VM
 * service passes the probed default); `check='none'` lets QEMU drop a feature the host lacks
 * instead of refusing to start, as Proxmox does.
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
  if (spec.seed) disks.push(seedCdrom(spec.seed.path));
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
      cpu: cpuElement(spec.cpu ?? defaultCpu(spec.virtType)),
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

/** The cloud-init seed's CD-ROM (read-only, raw), also put into a clone's XML. */
export function seedCdrom(path: string, target = 'sdb'): XmlObject {
  return {
    '@_type': 'file',
    '@_device': 'cdrom',
    driver: { '@_name': 'qemu', '@_type': 'raw' },
    source: { '@_file': path },
    target: { '@_dev': target, '@_bus': 'sata' },
    readonly: '',
  };
}

/** Used when no CPU is asked for: portable under KVM, everything TCG can emulate otherwise. */
export function defaultCpu(virtType: 'kvm' | 'qemu'): VmCpu {
  return virtType === 'kvm' ? { mode: 'custom', model: 'qemu64' } : { mode: 'maximum' };
}

function cpuElement(cpu: VmCpu): XmlObject {
  if (cpu.mode === 'custom') {
    return {
      '@_mode': 'custom',
      '@_match': 'exact',
      '@_check': 'none',
      model: { '@_fallback': 'forbid', '#text': cpu.model },
    };
  }
  return { '@_mode': cpu.mode, '@_check': 'none' };
}

/** The `<cpu>` element alone, to put into an existing domain's XML (see `replaceDomainCpu`). */
export function buildCpuXml(cpu: VmCpu): string {
  return buildXml({ cpu: cpuElement(validate(VmCpu, cpu, 'cpu')) }).trim();
}

// <cpu …/> or <cpu …>…</cpu>; `\b` keeps <cputune> out. libvirt's domain XML has at most one.
const CPU_ELEMENT = /<cpu\b[^>]*\/>|<cpu\b[^>]*>[\s\S]*?<\/cpu>/;

/**
 * libvirt's own domain XML with its CPU replaced (or added). A targeted edit: rebuilding the whole
 * document from a parse would lose what we do not model.
 */
export function replaceDomainCpu(domainXml: string, cpu: VmCpu): string {
  rootElement(domainXml, 'domain'); // it is a domain, and well-formed
  const element = buildCpuXml(cpu);
  if (CPU_ELEMENT.test(domainXml)) return domainXml.replace(CPU_ELEMENT, () => element);
  return domainXml.replace(/<devices>/, () => `${element}\n  <devices>`);
}

/**
 * The CPU probe's guest: no disk, no display, 64 MiB, nothing to boot. It shows whether QEMU can
 * start a guest with this CPU here (some hosts abort at once, e.g. nested AMD with host-passthrough).
 */
export function buildProbeDomainXml(p: {
  name: string;
  uuid: string;
  virtType: 'kvm' | 'qemu';
  cpu: VmCpu;
}): string {
  return buildXml({
    domain: {
      '@_type': p.virtType,
      name: validate(VirtName, p.name, 'name'),
      uuid: validate(VirtUuid, p.uuid, 'uuid'),
      memory: { '@_unit': 'MiB', '#text': 64 },
      vcpu: 1,
      os: { type: { '@_arch': 'x86_64', '@_machine': 'q35', '#text': 'hvm' } },
      features: { acpi: '', apic: '' },
      cpu: cpuElement(validate(VmCpu, p.cpu, 'cpu')),
      on_poweroff: 'destroy',
      on_reboot: 'destroy',
      on_crash: 'destroy',
      devices: { memballoon: { '@_model': 'none' } },
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
  cpu: { mode: string; model: string | null };
  description: string;
  metadata: VmMetadata;
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
    // libvirt's default when a domain has no <cpu>: QEMU's own default model
    cpu: {
      mode: attr(child(domain, 'cpu'), 'mode') ?? (child(domain, 'cpu') ? 'custom' : 'default'),
      model: text(child(child(domain, 'cpu'), 'model')) || null,
    },
    description: text(child(domain, 'description')) ?? '',
    metadata: parseVmMetadata(xml),
  };
}
