import { z } from 'zod';
import { Description, VirtName, VirtUuid, VolumeFormat, VolumeName } from './virt-common.ts';
import { BootDevice, BootOrder, HostBridgeName, VmCpu, VmDisk, VmNic, VmState } from './virt-vm.ts';
// one list of buses and NIC models for creation and editing
import { DiskBus, NicModel } from './virt-vm-guest.ts';

// The VM page's Hardware tab: what a VM has, as its running (live) and its persistent (next
// start) definitions say, and the edits of it. Edits go into the persistent definition first;
// those libvirt can apply to a running guest are applied live as well, the rest are "pending"
// until the next start (Proxmox's orange values).

export const LinkState = z.enum(['up', 'down']);
export type LinkState = z.infer<typeof LinkState>;

/** A unicast Ethernet address, lower case on the way in. */
export const MacAddress = z
  .string()
  .regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'a MAC address: six hex pairs separated by ":"')
  .transform((s) => s.toLowerCase())
  .refine((s) => (Number.parseInt(s.slice(0, 2), 16) & 1) === 0, 'must be a unicast address');

/** sockets × cores × threads = the VM's maximum vCPUs */
export const VmTopology = z.strictObject({
  sockets: z.number().int().min(1).max(64),
  cores: z.number().int().min(1).max(64),
  threads: z.number().int().min(1).max(8),
});
export type VmTopology = z.infer<typeof VmTopology>;

export const VmHardwareNic = VmNic.extend({ link: LinkState });
export type VmHardwareNic = z.infer<typeof VmHardwareNic>;

/** One definition (live or persistent) as the Hardware tab shows it. */
export const VmHardwareConfig = z.object({
  /** vCPUs online at start (libvirt's `current`) */
  vcpus: z.number().int().nonnegative(),
  /** the `<vcpu>` maximum: what vCPUs may be raised to while the VM runs */
  maxVcpus: z.number().int().nonnegative(),
  /** null when the XML has none (libvirt's default: one socket per vCPU) */
  topology: VmTopology.nullable(),
  /** the memory maximum (`<memory>`) */
  memoryMiB: z.number().nonnegative(),
  /** the balloon target (`<currentMemory>`), at most memoryMiB */
  currentMemoryMiB: z.number().nonnegative(),
  cpu: z.object({ mode: z.string(), model: z.string().nullable() }),
  disks: z.array(VmDisk),
  nics: z.array(VmHardwareNic),
  bootOrder: z.array(BootDevice),
  description: z.string(),
});
export type VmHardwareConfig = z.infer<typeof VmHardwareConfig>;

/** Start order and delay: kept in the VM's own metadata (see VmMetadata). */
export const VmAutostart = z.object({
  enabled: z.boolean(),
  /**
   * lower starts first (the host starts ordered VMs once per machine boot); null: libvirtd's own
   * autostart, which starts the VM when libvirtd starts, unordered
   */
  order: z.number().int().min(0).max(1000).nullable(),
  /** wait this long after starting this VM before the next one */
  delaySeconds: z.number().int().min(0).max(3600),
});
export type VmAutostart = z.infer<typeof VmAutostart>;

/**
 * Items whose live value differs from the persistent one: `vcpus`, `maxVcpus`, `topology`,
 * `memory`, `currentMemory`, `cpu`, `bootOrder`, `description`, `disk:<target>`, `nic:<mac>`.
 */
export const PendingItem = z.string();

/** `GET /api/v1/vms/:uuid/hardware` */
export const VmHardware = z.object({
  uuid: VirtUuid,
  name: z.string(),
  state: VmState,
  /** the running definition; null while the VM is off */
  live: VmHardwareConfig.nullable(),
  /** the persistent definition: what the next start uses */
  config: VmHardwareConfig,
  /** what changes at the next start (empty while the VM is off) */
  pending: z.array(PendingItem),
  autostart: VmAutostart,
  /** what starts the VM at boot: libvirt's autostart flag, the host's ordered start, or nothing */
  autostartBy: z.enum(['libvirt', 'host']).nullable().optional(),
});
export type VmHardware = z.infer<typeof VmHardware>;

/** What every hardware edit answers: the new state, and what was done live or left pending. */
export const VmHardwareResult = z.object({
  hardware: VmHardware,
  notes: z.array(z.string()),
});
export type VmHardwareResult = z.infer<typeof VmHardwareResult>;

/** `PATCH /api/v1/vms/:uuid/hardware`: any of these; those left out stay as they are. */
export const VmHardwareUpdate = z
  .strictObject({
    vcpus: z.number().int().min(1).max(256).optional(),
    maxVcpus: z.number().int().min(1).max(256).optional(),
    /** null drops the topology (one socket per vCPU) */
    topology: VmTopology.nullable().optional(),
    memoryMiB: z.number().int().min(64).max(1_048_576).optional(),
    currentMemoryMiB: z.number().int().min(64).max(1_048_576).optional(),
    cpu: VmCpu.optional(),
    bootOrder: BootOrder.optional(),
    description: Description.optional(),
    autostart: VmAutostart.partial().optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'nothing to change');
export type VmHardwareUpdate = z.infer<typeof VmHardwareUpdate>;

/** A pool volume by name. */
export const VolumeRef = z.strictObject({ pool: VirtName, volume: VolumeName });
export type VolumeRef = z.infer<typeof VolumeRef>;

/** `POST /api/v1/vms/:uuid/hardware/disks` */
export const VmDiskAdd = z.discriminatedUnion('source', [
  /** a new volume in a pool (named `<vm>-diskN.<ext>` unless named here) */
  z.strictObject({
    source: z.literal('new'),
    pool: VirtName,
    sizeGiB: z.number().positive().max(65_536),
    format: VolumeFormat,
    name: VolumeName.optional(),
    bus: DiskBus.default('virtio'),
  }),
  /** a volume that is already in a pool (and in no other VM) */
  z.strictObject({
    source: z.literal('volume'),
    pool: VirtName,
    volume: VolumeName,
    bus: DiskBus.default('virtio'),
  }),
  /** a CD-ROM drive, empty or with an ISO */
  z.strictObject({
    source: z.literal('cdrom'),
    bus: z.enum(['sata', 'scsi']).default('sata'),
    media: VolumeRef.optional(),
  }),
]);
export type VmDiskAdd = z.infer<typeof VmDiskAdd>;
export type VmDiskAddInput = z.input<typeof VmDiskAdd>;

/** `PATCH /api/v1/vms/:uuid/hardware/disks/:target` */
export const VmDiskUpdate = z
  .strictObject({
    /** grow the volume to this size (never shrink); live while the VM runs */
    sizeGiB: z.number().positive().max(65_536).optional(),
    /** the bus from the next start (the target name follows it: vdX or sdX) */
    bus: DiskBus.optional(),
    /** CD-ROM only: insert or swap an ISO, or eject it (null); live while the VM runs */
    media: VolumeRef.nullable().optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'nothing to change');
export type VmDiskUpdate = z.infer<typeof VmDiskUpdate>;

/** `DELETE /api/v1/vms/:uuid/hardware/disks/:target?deleteVolume=true` */
export const VmDiskRemoveQuery = z.object({ deleteVolume: z.enum(['true', 'false']).default('false') });

/** a disk's target as libvirt names it */
export const DiskTarget = z.string().regex(/^(vd|sd|hd)[a-z]{1,2}$/, 'a disk target such as vda or sdb');

export const NicNetwork = z.discriminatedUnion('type', [
  z.object({ type: z.literal('network'), name: VirtName }),
  z.object({ type: z.literal('bridge'), name: HostBridgeName }),
  z.object({ type: z.literal('user') }),
]);
export type NicNetwork = z.infer<typeof NicNetwork>;

/** `POST /api/v1/vms/:uuid/hardware/nics` */
export const VmNicAdd = z.strictObject({
  network: NicNetwork,
  model: NicModel.default('virtio'),
  /** libvirt picks one (52:54:00:…) when left out */
  mac: MacAddress.optional(),
  link: LinkState.default('up'),
});
export type VmNicAdd = z.infer<typeof VmNicAdd>;
export type VmNicAddInput = z.input<typeof VmNicAdd>;

/** `PATCH /api/v1/vms/:uuid/hardware/nics/:mac` */
export const VmNicUpdate = z
  .strictObject({
    network: NicNetwork.optional(),
    model: NicModel.optional(),
    mac: MacAddress.optional(),
    /** live while the VM runs */
    link: LinkState.optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'nothing to change');
export type VmNicUpdate = z.infer<typeof VmNicUpdate>;

/** `GET /api/v1/vms/:uuid/hardware/xml`: both definitions, for the read-only XML tab. */
export const VmXmlPair = z.object({
  /** the running definition; null while the VM is off */
  live: z.string().nullable(),
  /** the persistent definition (`--inactive`): what the next start uses */
  config: z.string(),
  /** as in VmHardware: empty when the next start brings nothing new */
  pending: z.array(PendingItem),
});
export type VmXmlPair = z.infer<typeof VmXmlPair>;
