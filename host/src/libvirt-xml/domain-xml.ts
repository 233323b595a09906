import {
  AbsolutePath,
  BootDevice,
  BootOrder,
  Description,
  DiskBus,
  Firmware,
  NicModel,
  VirtName,
  VirtUuid,
  VmCpu,
  VmNetworkRef,
  VolumeFormat,
} from '@quantix/shared';
import type { VmDisk, VmGraphics, VmMetadata, VmNic, VmPlatform } from '@quantix/shared';
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
  /** vda, vdb, … (sda, … on SATA or SCSI); by default the disk's position. */
  target: z
    .string()
    .regex(/^[vs]d[a-z]$/)
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
    // issue 9: what the OS presets choose (shared/src/vm-os-presets.ts)
    diskBus: DiskBus.default('virtio'),
    nicModel: NicModel.default('virtio'),
    firmware: Firmware.default('bios'),
    secureBoot: z.boolean().default(false),
    tpm: z.boolean().default(false),
    clock: z.enum(['utc', 'localtime']).default('utc'),
    /**
     * Hyper-V enlightenments (KVM only): `full` is Proxmox's set for current Windows, `basic` the
     * three that need nothing of the host kernel; which one starts here the platform probe finds.
     */
    hyperv: z.enum(['off', 'basic', 'full']).default('off'),
    /** the qemu-guest-agent's virtio-serial channel */
    guestAgent: z.boolean().default(true),
  })
  .superRefine((spec, ctx) => {
    if (spec.secureBoot && spec.firmware !== 'uefi') {
      ctx.addIssue({ code: 'custom', path: ['secureBoot'], message: 'Secure Boot needs UEFI firmware' });
    }
    const targets = spec.disks.map((d, i) => d.target ?? diskTarget(i, spec.diskBus));
    if (new Set(targets).size !== targets.length) {
      ctx.addIssue({ code: 'custom', path: ['disks'], message: 'disk targets must be unique' });
    }
    if (spec.cdrom === undefined && spec.bootOrder.includes('cdrom')) {
      ctx.addIssue({ code: 'custom', path: ['bootOrder'], message: 'booting from cdrom needs a cdrom' });
    }
  });
export type DomainSpec = z.input<typeof DomainSpec>;

function diskTarget(index: number, bus: DiskBus = 'virtio'): string {
  return `${bus === 'virtio' ? 'vd' : 'sd'}${String.fromCharCode(97 + index)}`;
}

/** The qemu-guest-agent's channel name, the same in every guest agent. */
export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

// Hyper-V enlightenments as Proxmox gives Windows guests: lower timer and spinlock overhead, and
// without `relaxed` Windows may bug-check on a vCPU that was descheduled for a while. The `full`
// set needs the host kernel's help (VP_INDEX, SynIC): nested KVM hosts may refuse it, and some
// crash QEMU even on the basic set, hence the platform probe (vm-platform-probe.ts).
const HYPERV_BASIC: XmlObject = {
  '@_mode': 'custom',
  relaxed: { '@_state': 'on' },
  vapic: { '@_state': 'on' },
  spinlocks: { '@_state': 'on', '@_retries': 8191 },
};
const HYPERV_FULL: XmlObject = {
  ...HYPERV_BASIC,
  vpindex: { '@_state': 'on' },
  synic: { '@_state': 'on' },
  stimer: { '@_state': 'on' },
  reset: { '@_state': 'on' },
  frequencies: { '@_state': 'on' },
};
const hypervElement = (level: 'off' | 'basic' | 'full'): XmlObject | undefined =>
  level === 'full' ? HYPERV_FULL : level === 'basic' ? HYPERV_BASIC : undefined;
/** the full set's synthetic timers need the Hyper-V clock: QEMU refuses hv-stimer without hv-time */
const hypervTimers = (level: 'off' | 'basic' | 'full'): XmlObject[] =>
  level === 'full' ? [{ '@_name': 'hypervclock', '@_present': 'yes' }] : [];

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
    target: { '@_dev': d.target ?? diskTarget(i, spec.diskBus), '@_bus': spec.diskBus },
  }));
  if (spec.cdrom) {
    // after the disks' own sdX names when they are on SATA or SCSI
    const taken = new Set(spec.disks.map((d, i) => d.target ?? diskTarget(i, spec.diskBus)));
    const cdTarget = Array.from({ length: 26 }, (_, i) => diskTarget(i, 'sata')).find((t) => !taken.has(t));
    disks.push({
      '@_type': 'file',
      '@_device': 'cdrom',
      driver: { '@_name': 'qemu', '@_type': 'raw' },
      source: { '@_file': spec.cdrom.path },
      target: { '@_dev': cdTarget, '@_bus': 'sata' },
      readonly: '',
    });
  }
  if (spec.seed) disks.push(seedCdrom(spec.seed.path));
  const net = spec.network;
  const model = { '@_type': spec.nicModel };
  // user: QEMU's own user-mode NAT, which needs nothing on the host (no bridge, no dnsmasq)
  const nic: XmlObject | undefined =
    net.type === 'network'
      ? { '@_type': 'network', source: { '@_network': net.name }, model }
      : net.type === 'bridge'
        ? { '@_type': 'bridge', source: { '@_bridge': net.name }, model }
        : net.type === 'user'
          ? { '@_type': 'user', model }
          : undefined;
  const uefi = spec.firmware === 'uefi';
  // enlightenments are KVM's: under TCG QEMU refuses some of them and none make it faster
  const hyperv = spec.virtType === 'kvm' ? spec.hyperv : 'off';

  return buildXml({
    domain: {
      '@_type': spec.virtType,
      name: spec.name,
      uuid: spec.uuid,
      description: spec.description || undefined,
      memory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      currentMemory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      vcpu: { '@_placement': 'static', '#text': spec.vcpus },
      // UEFI through libvirt's firmware autoselection (QEMU's descriptors in
      // /usr/share/qemu/firmware): libvirt picks OVMF's code and variables template and makes the
      // VM's own NVRAM file under /var/lib/libvirt/qemu/nvram, removed with the VM (undefine
      // flag NVRAM). Secure Boot must be said either way: left out, libvirt picks the
      // highest-priority descriptor, which on Debian is the Secure Boot one (it needs SMM).
      os: {
        '@_firmware': uefi ? 'efi' : undefined,
        type: { '@_arch': 'x86_64', '@_machine': 'q35', '#text': 'hvm' },
        firmware: uefi
          ? {
              feature: [
                { '@_enabled': spec.secureBoot ? 'yes' : 'no', '@_name': 'secure-boot' },
                // Microsoft's keys enrolled: Windows and shim-signed Linux boot at once
                ...(spec.secureBoot ? [{ '@_enabled': 'yes', '@_name': 'enrolled-keys' }] : []),
              ],
            }
          : undefined,
        boot: spec.bootOrder.map((dev) => ({ '@_dev': dev })),
      },
      features: {
        acpi: '',
        apic: '',
        hyperv: hypervElement(hyperv),
        // Secure Boot keeps its variables in SMM-protected flash
        smm: spec.secureBoot ? { '@_state': 'on' } : undefined,
      },
      cpu: cpuElement(spec.cpu ?? defaultCpu(spec.virtType)),
      clock:
        spec.clock === 'localtime'
          ? {
              '@_offset': 'localtime',
              timer: [
                { '@_name': 'rtc', '@_tickpolicy': 'catchup' },
                { '@_name': 'pit', '@_tickpolicy': 'delay' },
                { '@_name': 'hpet', '@_present': 'no' },
                ...hypervTimers(hyperv),
              ],
            }
          : { '@_offset': 'utc', timer: hypervTimers(hyperv) },
      on_poweroff: 'destroy',
      on_reboot: 'restart',
      on_crash: 'destroy',
      devices: {
        disk: disks,
        interface: nic,
        serial: { '@_type': 'pty', target: { '@_port': 0 } },
        console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': 0 } },
        // libvirt makes the socket and connects to it itself; the guest's agent answers on it
        channel: spec.guestAgent
          ? { '@_type': 'unix', target: { '@_type': 'virtio', '@_name': GUEST_AGENT_CHANNEL } }
          : undefined,
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
        // a TPM 2.0 emulated by swtpm; libvirt keeps its state in /var/lib/libvirt/swtpm/<uuid>
        tpm: spec.tpm
          ? { '@_model': 'tpm-crb', backend: { '@_type': 'emulator', '@_version': '2.0' } }
          : undefined,
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
  /** System Management Mode, which Secure Boot needs (and nested KVM may lack) */
  smm?: boolean;
  hyperv?: 'off' | 'basic' | 'full';
  /** a stateless firmware image (OVMF.fd) as ROM: does UEFI run here, with no NVRAM file left */
  loaderRom?: string;
}): string {
  return buildXml({
    domain: {
      '@_type': p.virtType,
      name: validate(VirtName, p.name, 'name'),
      uuid: validate(VirtUuid, p.uuid, 'uuid'),
      memory: { '@_unit': 'MiB', '#text': 64 },
      vcpu: 1,
      os: {
        type: { '@_arch': 'x86_64', '@_machine': 'q35', '#text': 'hvm' },
        loader: p.loaderRom
          ? { '@_readonly': 'yes', '@_type': 'rom', '#text': validate(AbsolutePath, p.loaderRom, 'loader') }
          : undefined,
      },
      features: {
        acpi: '',
        apic: '',
        hyperv: hypervElement(p.hyperv ?? 'off'),
        smm: p.smm ? { '@_state': 'on' } : undefined,
      },
      cpu: cpuElement(validate(VmCpu, p.cpu, 'cpu')),
      clock: { '@_offset': 'utc', timer: hypervTimers(p.hyperv ?? 'off') },
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
  platform: VmPlatform;
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
    platform: parsePlatform(domain, os, devices),
  };
}

/**
 * Firmware, TPM and agent channel. The inactive XML says `<os firmware='efi'>` (autoselection);
 * a running VM's XML names the loader and NVRAM file libvirt picked instead.
 */
function parsePlatform(
  domain: XmlNode | undefined,
  os: XmlNode | undefined,
  devices: XmlNode | undefined,
): VmPlatform {
  const loader = child(os, 'loader');
  const features = children(child(os, 'firmware'), 'feature');
  const feature = (name: string) =>
    attr(
      features.find((f) => attr(f, 'name') === name),
      'enabled',
    );
  const uefi =
    attr(os, 'firmware') === 'efi' ||
    (attr(loader, 'type') === 'pflash' && /OVMF|edk2|AAVMF/i.test(text(loader) ?? '')) ||
    child(os, 'nvram') !== undefined;
  const tpm = child(devices, 'tpm');
  const channel = children(devices, 'channel').find(
    (c) => attr(child(c, 'target'), 'name') === GUEST_AGENT_CHANNEL,
  );
  const channelState = attr(child(channel, 'target'), 'state');
  return {
    firmware: uefi ? 'uefi' : 'bios',
    secureBoot: uefi && (feature('secure-boot') === 'yes' || attr(loader, 'secure') === 'yes'),
    nvram: text(child(os, 'nvram')) || null,
    tpm: tpm
      ? { model: attr(tpm, 'model') ?? 'tpm-tis', version: attr(child(tpm, 'backend'), 'version') ?? null }
      : null,
    agentChannel: !channel
      ? 'none'
      : channelState === 'connected'
        ? 'connected'
        : channelState === 'disconnected'
          ? 'disconnected'
          : 'unknown',
    clock: attr(child(domain, 'clock'), 'offset') ?? 'utc',
    hyperv: child(child(domain, 'features'), 'hyperv') !== undefined,
  };
}
