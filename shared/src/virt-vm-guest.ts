import { z } from 'zod';
import { IsoTime } from './common.ts';
import { DISK_BUSES, FIRMWARES, GUEST_OS_PRESETS, NIC_MODELS } from './vm-os-presets.ts';

// Guest OS presets, firmware, TPM and the guest agent (issue 9). The presets' defaults are plain
// data in vm-os-presets.ts, so the wizards can use them without zod.

export const GuestOsPreset = z.enum(GUEST_OS_PRESETS);
export type GuestOsPreset = z.infer<typeof GuestOsPreset>;
export const DiskBus = z.enum(DISK_BUSES);
export type DiskBus = z.infer<typeof DiskBus>;
export const NicModel = z.enum(NIC_MODELS);
export type NicModel = z.infer<typeof NicModel>;
export const Firmware = z.enum(FIRMWARES);
export type Firmware = z.infer<typeof Firmware>;

/** Where a feature cannot be offered, why (said in the wizard). */
export const FeatureAvailability = z.object({ available: z.boolean(), reason: z.string().nullable() });
export type FeatureAvailability = z.infer<typeof FeatureAvailability>;

/** `GET /api/v1/hypervisor/firmware`: what a new VM may get here (libvirt's domain capabilities, q35). */
export const FirmwareCapabilities = z.object({
  virtType: z.enum(['kvm', 'qemu']),
  /** true while the probe still runs: ask again */
  probing: z.boolean(),
  uefi: FeatureAvailability,
  secureBoot: FeatureAvailability,
  tpm: FeatureAvailability,
  /** which Hyper-V enlightenments Windows guests get here (KVM only; a nested host may take none) */
  hyperv: z.object({ level: z.enum(['off', 'basic', 'full']), reason: z.string().nullable() }),
});
export type FirmwareCapabilities = z.infer<typeof FirmwareCapabilities>;

/** What the domain XML says about the VM's platform (VmDetail.platform). */
export const VmPlatform = z.object({
  firmware: Firmware,
  secureBoot: z.boolean(),
  /** the UEFI variable store kept with the VM; null for BIOS or before libvirt made it */
  nvram: z.string().nullable(),
  /** `2.0` for a TPM 2.0 emulated by swtpm; null: no TPM */
  tpm: z.object({ model: z.string(), version: z.string().nullable() }).nullable(),
  /** the qemu-guest-agent channel is there; `connected` only in a running VM's live XML */
  agentChannel: z.enum(['none', 'connected', 'disconnected', 'unknown']),
  clock: z.string(),
  hyperv: z.boolean(),
});
export type VmPlatform = z.infer<typeof VmPlatform>;

export const GuestAddress = z.object({
  type: z.enum(['ipv4', 'ipv6']),
  address: z.string(),
  prefix: z.number().int().nonnegative(),
});
export type GuestAddress = z.infer<typeof GuestAddress>;

export const GuestInterface = z.object({
  name: z.string(),
  /** null for interfaces without one (lo) */
  mac: z.string().nullable(),
  addresses: z.array(GuestAddress),
});
export type GuestInterface = z.infer<typeof GuestInterface>;

export const GuestOsInfo = z.object({
  /** `os.name` / `os.pretty-name` as the agent reports it, e.g. "Debian GNU/Linux 12 (bookworm)" */
  name: z.string().nullable(),
  version: z.string().nullable(),
  id: z.string().nullable(),
  kernel: z.string().nullable(),
});
export type GuestOsInfo = z.infer<typeof GuestOsInfo>;

/**
 * The guest agent's state: `connected` answered just now; `not-running` has the channel but no
 * agent answers (not installed, not started, guest still booting); `not-configured` has no
 * channel (made outside Quantix, or before issue 9); `vm-off` is not running.
 */
export const GuestAgentState = z.enum(['connected', 'not-running', 'not-configured', 'vm-off']);
export type GuestAgentState = z.infer<typeof GuestAgentState>;

/** `GET /api/v1/vms/:uuid/guest`: what the guest agent says, cached per VM for a short time. */
export const VmGuestInfo = z.object({
  agent: GuestAgentState,
  /** when the agent was asked (the answer may come from the cache) */
  checkedAt: IsoTime,
  hostname: z.string().nullable(),
  os: GuestOsInfo.nullable(),
  interfaces: z.array(GuestInterface),
  /** why a part is missing, in libvirt's words (agent errors, OS info not available) */
  message: z.string().nullable(),
});
export type VmGuestInfo = z.infer<typeof VmGuestInfo>;
