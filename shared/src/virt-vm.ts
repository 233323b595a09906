import { z } from 'zod';
import { IsoTime } from './common.ts';
import { Description, VirtName, VirtUuid, VolumeFormat, VolumeName } from './virt-common.ts';
import { CloudInitConfig, VmDiskSource } from './virt-vm-images.ts';
import { DiskBus, Firmware, GuestOsPreset, NicModel, VmPlatform } from './virt-vm-guest.ts';

export const BootDevice = z.enum(['hd', 'cdrom', 'network']);
export type BootDevice = z.infer<typeof BootDevice>;

export const BootOrder = z
  .array(BootDevice)
  .min(1)
  .max(3)
  .refine((a) => new Set(a).size === a.length, 'boot devices must be unique');

/** A host bridge the VM joins directly: a Linux interface name (at most 15 characters). */
export const HostBridgeName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/,
    'an interface name: letters, digits, "_", "." and "-", at most 15',
  )
  .refine((s) => !s.includes('..'), 'must not contain ".."');

export const VmNetworkRef = z.discriminatedUnion('type', [
  z.object({ type: z.literal('network'), name: VirtName }),
  z.object({ type: z.literal('bridge'), name: HostBridgeName }),
  /** QEMU user-mode networking: outbound NAT inside QEMU, nothing to set up on the host */
  z.object({ type: z.literal('user') }),
  /** no network card */
  z.object({ type: z.literal('none') }),
]);
export type VmNetworkRef = z.infer<typeof VmNetworkRef>;

/** A QEMU CPU model name as libvirt lists it (`Westmere`, `EPYC-Rome`, `qemu64`). */
export const CpuModelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a CPU model name');

/**
 * The guest CPU. `custom` is a named model: the same on every host that offers it (what Proxmox
 * defaults to); `host-passthrough` / `host-model` give the guest this host's own CPU, faster but
 * not portable and, on some (nested) hosts, not startable at all; `maximum` is everything QEMU can
 * emulate, for software emulation.
 */
export const VmCpu = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('host-passthrough') }),
  z.strictObject({ mode: z.literal('host-model') }),
  z.strictObject({ mode: z.literal('maximum') }),
  z.strictObject({ mode: z.literal('custom'), model: CpuModelName }),
]);
export type VmCpu = z.infer<typeof VmCpu>;

/** Whether guests with this CPU start on this host, as the probe found (once per libvirt connection). */
export const CpuProbeStatus = z.enum(['ok', 'failed', 'untested', 'probing']);
export type CpuProbeStatus = z.infer<typeof CpuProbeStatus>;

export const CpuOption = z.object({
  cpu: VmCpu,
  label: z.string(),
  status: CpuProbeStatus,
  /** why it failed (the probe's explanation), or a note */
  reason: z.string().nullable(),
});
export type CpuOption = z.infer<typeof CpuOption>;

/** `GET /api/v1/hypervisor/cpu`: the CPUs a new VM may get here, probed, and the default. */
export const CpuCapabilities = z.object({
  virtType: z.enum(['kvm', 'qemu']),
  /** true while the probe still runs; statuses may change (poll or re-read) */
  probing: z.boolean(),
  default: VmCpu,
  options: z.array(CpuOption),
});
export type CpuCapabilities = z.infer<typeof CpuCapabilities>;

export const VmCreateRequest = z
  .object({
    name: VirtName,
    vcpus: z.number().int().min(1).max(64),
    memoryMiB: z.number().int().min(64).max(1_048_576),
    disks: z
      .array(
        z.object({
          pool: VirtName,
          sizeGiB: z.number().positive().max(65_536),
          format: VolumeFormat,
          /** a new blank volume when left out (see virt-vm-images.ts) */
          source: VmDiskSource.optional(),
        }),
      )
      .min(1)
      .max(8),
    cdrom: z.object({ pool: VirtName, volume: VolumeName }).optional(),
    network: VmNetworkRef,
    bootOrder: BootOrder,
    autostart: z.boolean(),
    description: Description.optional(),
    /** the host's default (a probed, portable named model) when left out */
    cpu: VmCpu.optional(),
    /** a NoCloud seed ISO written into the pool and attached as a second CD-ROM */
    cloudInit: CloudInitConfig.optional(),
    // Issue 9 (OS presets, firmware, TPM, guest agent): all optional, so older clients (the hub
    // of an earlier release) keep working. What is left out comes from the preset's defaults
    // (OS_PRESETS); no preset means `other`: BIOS, virtio, as before presets existed.
    os: GuestOsPreset.optional(),
    firmware: Firmware.optional(),
    /** UEFI only; refused where this host cannot run it (see GET /hypervisor/firmware) */
    secureBoot: z.boolean().optional(),
    /** a TPM 2.0 emulated by swtpm */
    tpm: z.boolean().optional(),
    diskBus: DiskBus.optional(),
    nicModel: NicModel.optional(),
    /** the qemu-guest-agent channel; on unless false */
    guestAgent: z.boolean().optional(),
  })
  .refine((r) => r.cdrom !== undefined || !r.bootOrder.includes('cdrom'), {
    message: 'booting from cdrom needs an ISO',
    path: ['bootOrder'],
  })
  .refine((r) => !(r.secureBoot && r.firmware === 'bios'), {
    message: 'Secure Boot needs UEFI firmware',
    path: ['secureBoot'],
  });
export type VmCreateRequest = z.infer<typeof VmCreateRequest>;

/** A label on a VM, for filtering the list (Proxmox's tags): lower-case, no spaces. */
export const VmTag = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.+-]{0,31}$/,
    'a tag: lower-case letters, digits, "_", ".", "+" and "-", at most 32',
  );
export type VmTag = z.infer<typeof VmTag>;

/**
 * What Quantix keeps about a VM that libvirt has no field for, stored in the domain's own
 * `<metadata>` (so it travels with the definition and needs no database of ours).
 */
export const VmMetadata = z.object({
  tags: z.array(VmTag).max(16).default([]),
  /** a template is never started; new VMs are cloned from it */
  template: z.boolean().default(false),
  /** autostart order (lower first) and the wait after this VM's start; the Hardware tab sets them */
  startOrder: z.number().int().min(0).max(1000).optional(),
  startDelaySeconds: z.number().int().min(0).max(3600).optional(),
  /**
   * starts at boot by the host's ordered start (host/src/vms/vm-boot-order.ts): set with a start
   * order, when libvirt's own autostart flag is off so that libvirtd does not start it unordered
   */
  startAtBoot: z.boolean().optional(),
  /** the guest OS preset chosen in the wizard (issue 9); absent for VMs made before or elsewhere */
  osPreset: GuestOsPreset.optional(),
  /** snapshots taken with the guest's filesystems frozen by the guest agent */
  quiescedSnapshots: z.array(VirtName).max(256).optional(),
});
export type VmMetadata = z.infer<typeof VmMetadata>;

export const VmState = z.enum([
  'running',
  'paused',
  'shutoff',
  'crashed',
  'pmsuspended',
  'shutdown',
  'blocked',
  'unknown',
]);
export type VmState = z.infer<typeof VmState>;

export const VmSummary = z.object({
  uuid: VirtUuid,
  name: z.string(),
  state: VmState,
  vcpus: z.number().int().nonnegative(),
  memoryMiB: z.number().nonnegative(),
  disks: z.number().int().nonnegative(),
  autostart: z.boolean(),
  persistent: z.boolean(),
  /** Share of all the VM's vCPUs, 0–100; null until two samples exist or while stopped. */
  cpuPercent: z.number().nonnegative().nullable(),
  memoryUsedMiB: z.number().nonnegative().nullable(),
  tags: z.array(VmTag),
  template: z.boolean(),
  /** the guest OS preset, from the VM's metadata */
  osPreset: GuestOsPreset.optional(),
  /**
   * The guest's IP addresses as its agent last told them (cached, never fetched for the list:
   * absent until the VM's page asked, or when the cache expired).
   */
  guestAddresses: z.array(z.string()).optional(),
});
export type VmSummary = z.infer<typeof VmSummary>;

export const VmDisk = z.object({
  target: z.string(),
  device: z.enum(['disk', 'cdrom', 'floppy', 'lun']),
  bus: z.string().nullable(),
  /** File or block device; null for an empty cdrom or a network disk. */
  source: z.string().nullable(),
  /** Known when the XML names a pool volume, or when the service resolved the path. */
  pool: z.string().nullable(),
  volume: z.string().nullable(),
  format: z.string().nullable(),
  capacity: z.number().nonnegative().nullable(),
});
export type VmDisk = z.infer<typeof VmDisk>;

export const VmNic = z.object({
  mac: z.string().nullable(),
  type: z.enum(['network', 'bridge', 'user', 'direct', 'other']),
  /** Network name, bridge name or host device; null for user networking. */
  source: z.string().nullable(),
  model: z.string().nullable(),
});
export type VmNic = z.infer<typeof VmNic>;

export const VmGraphics = z.object({
  type: z.enum(['vnc', 'spice']),
  /** null while the VM is off (autoport) or when libvirt reports -1. */
  port: z.number().int().positive().nullable(),
  listen: z.string().nullable(),
});
export type VmGraphics = z.infer<typeof VmGraphics>;

export const VmDetail = VmSummary.extend({
  /** as the domain XML says; `model` for named models */
  cpu: z.object({ mode: z.string(), model: z.string().nullable() }),
  disks: z.array(VmDisk),
  nics: z.array(VmNic),
  graphics: z.array(VmGraphics),
  bootOrder: z.array(BootDevice),
  os: z.object({ arch: z.string().nullable(), machine: z.string().nullable(), type: z.string() }),
  description: z.string(),
  /** firmware, Secure Boot, TPM, guest agent channel (issue 9) */
  platform: VmPlatform.optional(),
});
export type VmDetail = z.infer<typeof VmDetail>;

/** `PUT /api/v1/vms/:uuid/cpu`: takes effect at the next start. */
export const VmCpuUpdate = z.strictObject({ cpu: VmCpu });
export type VmCpuUpdate = z.infer<typeof VmCpuUpdate>;

export const VmAction = z.enum(['start', 'shutdown', 'reboot', 'destroy', 'reset', 'suspend', 'resume']);
export type VmAction = z.infer<typeof VmAction>;

export const SnapshotCreateRequest = z.object({
  name: VirtName,
  description: Description.optional(),
  /**
   * Freeze the guest's filesystems through its agent while the snapshot is taken. `auto` (the
   * default) does so when the agent answers; `true` refuses the snapshot when it does not.
   */
  quiesce: z.union([z.boolean(), z.literal('auto')]).optional(),
});
export type SnapshotCreateRequest = z.infer<typeof SnapshotCreateRequest>;

export const SnapshotState = z.enum([...VmState.options, 'disk-snapshot']);
export type SnapshotState = z.infer<typeof SnapshotState>;

export const SnapshotSummary = z.object({
  name: z.string(),
  description: z.string(),
  createdAt: IsoTime,
  state: SnapshotState,
  current: z.boolean(),
  /** taken with the guest's filesystems frozen by its agent */
  quiesced: z.boolean().optional(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummary>;

// ---- VM list at scale (tags) ----
/** `PUT /api/v1/vms/:uuid/tags`: replaces the VM's tags (sorted, duplicates dropped). */
export const VmTagsUpdate = z.strictObject({ tags: z.array(VmTag).max(16) });
export type VmTagsUpdate = z.infer<typeof VmTagsUpdate>;
