import type {
  BootDevice,
  FirmwareCapabilities,
  PoolSummary,
  VmCreateRequest,
  VmCpu,
  VmNetworkRef,
  VolumeFormat,
  VolumeSummary,
} from '@quantix/shared';
import { formatBytes } from '../format/format-bytes.ts';
import { GiB, parseGiB } from '../format/parse-size.ts';
import {
  type DiskBus,
  type Firmware,
  type GuestOsPreset,
  GUEST_OS_PRESETS,
  type NicModel,
  OS_PRESETS,
} from '../../vm-os-presets.ts';
import { parseCpuKey } from './cpu-options.ts';
import { type CloudInitForm, cloudInitField, diskSourceOf, validateCloudInit } from './wizard-cloud-init.ts';

export { GiB, parseGiB };

// The rules of shared/src/virt-vm.ts, repeated as plain checks: the UI does not bundle zod. The
// host validates again; these only give the answer before the request, at the field concerned.

export interface DiskForm {
  readonly pool: string;
  readonly sizeGiB: string;
  readonly format: VolumeFormat;
  /** '' (a new blank disk), `image:pool/volume` (a copy) or `volume:pool/volume` (used as it is) */
  readonly source?: string;
}

export interface WizardForm {
  readonly name: string;
  readonly vcpus: string;
  readonly memoryMiB: string;
  readonly description: string;
  readonly disks: readonly DiskForm[];
  /** '' or `pool/volume` (neither name may hold a "/") */
  readonly cdrom: string;
  /** `network:<name>`, `bridge` (then `bridge` holds the interface), `user` or `none` */
  readonly network: string;
  readonly bridge: string;
  /** comma-separated BootDevice list, as the select's value */
  readonly bootOrder: string;
  readonly autostart: boolean;
  /** a CPU key (cpu-options.ts), or '' for the host's default: then the request leaves `cpu` out */
  readonly cpu: string;
  /** the cloud-init step (wizard-cloud-init.ts) */
  readonly cloudInit?: CloudInitForm;
  // Issue 9: the guest OS preset and what it chooses. Optional: a form without them (the hub's)
  // sends a request without them, and the host applies the `other` preset (BIOS, virtio).
  readonly os?: GuestOsPreset;
  readonly firmware?: Firmware;
  readonly secureBoot?: boolean;
  readonly tpm?: boolean;
  readonly diskBus?: DiskBus;
  readonly nicModel?: NicModel;
  readonly guestAgent?: boolean;
}

/** What the host offers (GET /hypervisor/firmware), as far as the wizard needs it. */
export type FirmwareOffer = Pick<FirmwareCapabilities, 'uefi' | 'secureBoot' | 'tpm'>;

export const OS_CHOICES: ReadonlyArray<{ value: GuestOsPreset; label: string; note: string }> =
  GUEST_OS_PRESETS.map((value) => ({ value, label: OS_PRESETS[value].label, note: OS_PRESETS[value].note }));

export const DISK_BUS_CHOICES: ReadonlyArray<{ value: DiskBus; label: string }> = [
  { value: 'virtio', label: 'VirtIO (fastest; Windows needs the virtio-win drivers)' },
  { value: 'sata', label: 'SATA (every OS has a driver)' },
  { value: 'scsi', label: 'SCSI' },
];

export const NIC_MODEL_CHOICES: ReadonlyArray<{ value: NicModel; label: string }> = [
  { value: 'virtio', label: 'VirtIO (fastest; Windows needs the virtio-win drivers)' },
  { value: 'e1000e', label: 'Intel e1000e (every Windows has a driver)' },
  { value: 'e1000', label: 'Intel e1000 (older guests)' },
  { value: 'rtl8139', label: 'Realtek RTL8139 (very old guests)' },
];

/**
 * The fields a guest OS preset chooses, for the form: what the host cannot give (Secure Boot on a
 * nested host, a TPM without swtpm) is left off, as the host would do.
 */
export function osPresetFields(os: GuestOsPreset, offer: FirmwareOffer | null): Partial<WizardForm> {
  const p = OS_PRESETS[os];
  const can = (f: keyof FirmwareOffer) => offer === null || offer[f].available;
  const uefi = p.firmware === 'uefi' && can('uefi');
  return {
    os,
    firmware: uefi ? 'uefi' : 'bios',
    secureBoot: uefi && p.secureBoot && can('secureBoot'),
    tpm: p.tpm && can('tpm'),
    diskBus: p.diskBus,
    nicModel: p.nicModel,
  };
}

export const STEPS = [
  { id: 'basics', title: 'Name & hardware' },
  { id: 'disks', title: 'Disks' },
  { id: 'cdrom', title: 'CD-ROM' },
  { id: 'network', title: 'Network' },
  { id: 'boot', title: 'Boot, firmware & autostart' },
  { id: 'cloudinit', title: 'Cloud-init' },
  { id: 'review', title: 'Review & create' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export const BOOT_CHOICES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'hd', label: 'Disk only' },
  { value: 'cdrom,hd', label: 'CD-ROM, then disk' },
  { value: 'hd,cdrom', label: 'Disk, then CD-ROM' },
  { value: 'network,hd', label: 'Network (PXE), then disk' },
];

export const MAX_DISKS = 8;

export function emptyWizardForm(): WizardForm {
  return {
    name: '',
    vcpus: '2',
    memoryMiB: '2048',
    description: '',
    disks: [{ pool: '', sizeGiB: '20', format: 'qcow2' }],
    cdrom: '',
    network: '',
    bridge: '',
    bootOrder: 'hd',
    autostart: false,
    cpu: '',
    ...osPresetFields('linux', null),
    guestAgent: true,
  };
}

/** What a disk's pool must say: a host's pool, or a shared pool as the chosen host reports it. */
export type WizardPool = Pick<PoolSummary, 'name' | 'state' | 'available'>;

/** What the wizard checks against: the host's pools, VMs and networks as last loaded. */
export interface WizardContext {
  readonly pools: readonly WizardPool[];
  readonly vmNames: readonly string[];
  readonly isos: readonly IsoOption[];
  /** null while unknown: then the host checks alone */
  readonly firmware?: FirmwareOffer | null;
  /** the host's networks are still being read: the default one is chosen when they come */
  readonly networksLoading?: boolean;
}

export interface IsoOption {
  readonly pool: string;
  readonly volume: string;
  readonly size: number;
}

export type Errors = Partial<Record<string, string>>;

const VIRT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BRIDGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/** A whole number in [min, max], or null. */
function intIn(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

export function validateBasics(form: WizardForm, ctx: Pick<WizardContext, 'vmNames'>): Errors {
  const e: Errors = {};
  const name = form.name.trim();
  if (name === '') e.name = 'Give the VM a name.';
  else if (!VIRT_NAME.test(name) || name.includes('..')) {
    e.name = 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 64.';
  } else if (ctx.vmNames.includes(name)) e.name = `A VM named "${name}" already exists.`;
  if (intIn(form.vcpus, 1, 64) === null) e.vcpus = 'A whole number from 1 to 64.';
  if (intIn(form.memoryMiB, 64, 1_048_576) === null) e.memoryMiB = 'A whole number of MiB, 64 to 1048576.';
  if (form.description.length > 1024) e.description = 'At most 1024 characters.';
  else if (CONTROL.test(form.description)) e.description = 'No control characters.';
  return e;
}

/** Bytes each pool must give, summed over the disks that use it (unparseable sizes count 0). */
export function poolNeeds(disks: readonly DiskForm[]): Map<string, number> {
  const need = new Map<string, number>();
  for (const d of disks) {
    if (d.source?.startsWith('volume:')) continue; // an existing volume takes no new space
    const size = parseGiB(d.sizeGiB);
    if (d.pool && size !== null) need.set(d.pool, (need.get(d.pool) ?? 0) + size * GiB);
  }
  return need;
}

/** Each disk's pool must run and hold all the disks put in it (checked by the host again). */
export function validateDisks(form: WizardForm, ctx: Pick<WizardContext, 'pools'>): Errors {
  const e: Errors = {};
  if (form.disks.length === 0) e.disks = 'Add at least one disk.';
  if (form.disks.length > MAX_DISKS) e.disks = `At most ${MAX_DISKS} disks.`;
  const need = poolNeeds(form.disks);
  form.disks.forEach((d, i) => {
    const pool = ctx.pools.find((p) => p.name === d.pool);
    if (!d.pool) e[`disk-${i}-pool`] = 'Choose a storage pool.';
    else if (!pool) e[`disk-${i}-pool`] = `There is no pool "${d.pool}".`;
    else if (pool.state !== 'running') e[`disk-${i}-pool`] = `Pool "${pool.name}" is not running.`;
    const size = parseGiB(d.sizeGiB);
    if (size === null) {
      e[`disk-${i}-size`] = 'A size in GiB, more than 0 and at most 65536.';
    } else if (pool && (need.get(pool.name) ?? 0) > pool.available) {
      const total = need.get(pool.name) ?? 0;
      e[`disk-${i}-size`] =
        total === size * GiB
          ? `Pool "${pool.name}" has only ${formatBytes(pool.available)} free.`
          : `The disks in pool "${pool.name}" need ${formatBytes(total)}; it has ${formatBytes(pool.available)} free.`;
    }
  });
  return e;
}

export function validateCdrom(form: WizardForm, ctx: Pick<WizardContext, 'isos'>): Errors {
  if (form.cdrom === '') return {};
  const [pool, volume] = form.cdrom.split('/');
  return ctx.isos.some((o) => o.pool === pool && o.volume === volume)
    ? {}
    : { cdrom: 'That ISO is no longer in the pool.' };
}

export function validateNetwork(form: WizardForm, ctx: Pick<WizardContext, 'networksLoading'> = {}): Errors {
  if (form.network === '' && ctx.networksLoading)
    return { network: "The host's networks are still loading; the default one is chosen when they arrive." };
  if (form.network === '') return { network: 'Choose a network.' };
  if (form.network === 'user' || form.network === 'none') return {};
  if (!form.network.startsWith('network:') && form.network !== 'bridge')
    return { network: 'Choose a network.' };
  if (form.network === 'bridge') {
    const b = form.bridge.trim();
    if (b === '') return { bridge: 'Enter the name of a bridge on this host, e.g. br0.' };
    if (!BRIDGE_NAME.test(b) || b.includes('..')) {
      return { bridge: 'An interface name: letters, digits, "_", "." and "-", at most 15.' };
    }
  }
  return {};
}

export function validateBoot(form: WizardForm, ctx: Pick<WizardContext, 'firmware'> = {}): Errors {
  if (!BOOT_CHOICES.some((c) => c.value === form.bootOrder)) return { bootOrder: 'Choose a boot order.' };
  if (form.bootOrder.split(',').includes('cdrom') && form.cdrom === '') {
    return { bootOrder: 'Booting from the CD-ROM needs an ISO (step CD-ROM).' };
  }
  return validateFirmware(form, ctx.firmware ?? null);
}

/** UEFI, Secure Boot and the TPM only where the host offers them; Secure Boot only with UEFI. */
export function validateFirmware(form: WizardForm, offer: FirmwareOffer | null): Errors {
  const e: Errors = {};
  const missing = (f: keyof FirmwareOffer) => offer !== null && !offer[f].available;
  const why = (f: keyof FirmwareOffer) => (offer?.[f].reason ? ` ${offer[f].reason}.` : '');
  if (form.firmware === 'uefi' && missing('uefi'))
    e.firmware = `This host has no UEFI firmware.${why('uefi')}`;
  if (form.secureBoot && form.firmware !== 'uefi') e.secureBoot = 'Secure Boot needs UEFI firmware.';
  else if (form.secureBoot && missing('secureBoot'))
    e.secureBoot = `Secure Boot is not available on this host.${why('secureBoot')}`;
  if (form.tpm && missing('tpm')) e.tpm = `This host cannot emulate a TPM.${why('tpm')}`;
  return e;
}

export function validateStep(step: StepId, form: WizardForm, ctx: WizardContext): Errors {
  switch (step) {
    case 'basics':
      return validateBasics(form, ctx);
    case 'disks':
      return validateDisks(form, ctx);
    case 'cdrom':
      return validateCdrom(form, ctx);
    case 'network':
      return validateNetwork(form, ctx);
    case 'boot':
      return validateBoot(form, ctx);
    case 'cloudinit':
      return validateCloudInit(form.cloudInit);
    case 'review':
      return {};
  }
}

/** The first step with a problem, for the Create button: null when everything is fine. */
export function firstInvalidStep(form: WizardForm, ctx: WizardContext): StepId | null {
  for (const s of STEPS) {
    if (Object.keys(validateStep(s.id, form, ctx)).length > 0) return s.id;
  }
  return null;
}

/** Choosing an ISO suggests booting from it; dropping it drops the CD-ROM from the boot order. */
export function withCdrom(form: WizardForm, cdrom: string): WizardForm {
  let bootOrder = form.bootOrder;
  if (cdrom && bootOrder === 'hd') bootOrder = 'cdrom,hd';
  if (!cdrom && bootOrder.split(',').includes('cdrom')) bootOrder = 'hd';
  return { ...form, cdrom, bootOrder };
}

/** Volumes that look like ISO images, from every pool loaded. */
export function isoOptions(volumes: Readonly<Record<string, readonly VolumeSummary[] | null>>): IsoOption[] {
  const out: IsoOption[] = [];
  for (const [pool, list] of Object.entries(volumes)) {
    for (const v of list ?? []) {
      if (v.name.toLowerCase().endsWith('.iso')) out.push({ pool, volume: v.name, size: v.capacity });
    }
  }
  return out.sort((a, b) => a.volume.localeCompare(b.volume) || a.pool.localeCompare(b.pool));
}

export function networkRef(form: WizardForm): VmNetworkRef {
  if (form.network === 'bridge') return { type: 'bridge', name: form.bridge.trim() };
  if (form.network === 'user') return { type: 'user' };
  if (form.network === 'none') return { type: 'none' };
  return { type: 'network', name: form.network.replace(/^network:/, '') };
}

export function describeNetwork(ref: VmNetworkRef): string {
  switch (ref.type) {
    case 'network':
      return `libvirt network ${ref.name}`;
    case 'bridge':
      return `host bridge ${ref.name}`;
    case 'user':
      return 'user-mode networking (NAT inside QEMU)';
    case 'none':
      return 'no network card';
  }
}

/** The request, for a form that passed every step. */
export function toCreateRequest(form: WizardForm): VmCreateRequest {
  const [cdPool, cdVolume] = form.cdrom.split('/');
  const description = form.description.trim();
  return {
    name: form.name.trim(),
    vcpus: Number(form.vcpus),
    memoryMiB: Number(form.memoryMiB),
    disks: form.disks.map((d) => {
      const source = diskSourceOf(d.source);
      return {
        pool: d.pool,
        sizeGiB: parseGiB(d.sizeGiB) ?? 0,
        format: d.format,
        ...(source ? { source } : {}),
      };
    }),
    ...(form.cdrom && cdPool && cdVolume ? { cdrom: { pool: cdPool, volume: cdVolume } } : {}),
    network: networkRef(form),
    bootOrder: form.bootOrder.split(',') as BootDevice[],
    autostart: form.autostart,
    ...(description ? { description } : {}),
    ...cpuField(form.cpu),
    ...cloudInitField(form.cloudInit),
    ...platformFields(form),
  };
}

function platformFields(form: WizardForm): Partial<VmCreateRequest> {
  const out: Partial<VmCreateRequest> = {};
  if (form.os !== undefined) out.os = form.os;
  if (form.firmware !== undefined) out.firmware = form.firmware;
  if (form.secureBoot !== undefined) out.secureBoot = form.firmware === 'uefi' && form.secureBoot;
  if (form.tpm !== undefined) out.tpm = form.tpm;
  if (form.diskBus !== undefined) out.diskBus = form.diskBus;
  if (form.nicModel !== undefined) out.nicModel = form.nicModel;
  if (form.guestAgent !== undefined) out.guestAgent = form.guestAgent;
  return out;
}

function cpuField(key: string): { cpu?: VmCpu } {
  const cpu = key === '' ? null : parseCpuKey(key);
  return cpu ? { cpu } : {};
}
