import { z } from 'zod';
import { IsoTime } from './common.ts';

const Bytes = z.number().nonnegative();

export const DiscoveryReport = z.object({
  collectedAt: IsoTime,
  hostname: z.string(),
  managementIp: z.string().nullable(),
  cpu: z.object({
    model: z.string(),
    vendor: z.string(),
    sockets: z.number().int().nonnegative(),
    cores: z.number().int().nonnegative(),
    threads: z.number().int().nonnegative(),
    mhz: z.number().nonnegative(),
    /** e.g. ["vmx"] or ["svm"]; empty when the CPU offers none (or, nested, hides them) */
    virtualization: z.array(z.string()),
    /** /dev/kvm is there: guests run under KVM, whatever the flags say */
    kvm: z.boolean().default(false),
  }),
  memory: z.object({ total: Bytes, available: Bytes, swapTotal: Bytes, swapFree: Bytes }),
  disks: z.array(
    z.object({
      name: z.string(),
      model: z.string(),
      serial: z.string(),
      size: Bytes,
      /** "NVMe", "SSD", "HDD" or "unknown" */
      type: z.string(),
      partitions: z.array(z.object({ name: z.string(), size: Bytes, fstype: z.string(), mount: z.string() })),
      /** why it must not be wiped (mounted, swap, LVM PV, RAID member, holders, a filesystem); empty: unused */
      inUse: z.array(z.string()).default([]),
    }),
  ),
  filesystems: z.array(
    z.object({
      source: z.string(),
      mount: z.string(),
      fstype: z.string(),
      size: Bytes,
      used: Bytes,
      available: Bytes,
    }),
  ),
  nfsMounts: z.array(z.object({ source: z.string(), mount: z.string(), fstype: z.string() })),
  networkInterfaces: z.array(
    z.object({
      name: z.string(),
      mac: z.string(),
      /** Mbit/s, null when the link does not say */
      speed: z.number().nullable(),
      link: z.enum(['up', 'down', 'unknown']),
      ipv4: z.array(z.string()),
      ipv6: z.array(z.string()),
      /** a software device (bridge, tap, bond, VLAN), not a NIC; loopback is never listed */
      virtual: z.boolean(),
    }),
  ),
  gpus: z.array(
    z.object({
      vendor: z.string(),
      model: z.string(),
      /** PCI address ("ca:00.0") when known, else "PCIe" / "Onboard" */
      bus: z.string(),
      /** bytes, null when unknown */
      vram: Bytes.nullable(),
    }),
  ),
  os: z.object({ distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
  libvirt: z.object({ version: z.string().nullable(), status: z.enum(['available', 'unavailable']) }),
  /** Parts that failed or timed out ("fsSize: timed out after 10000 ms"); their data is empty, not absent. */
  warnings: z.array(z.string()).default([]),
});
export type DiscoveryReport = z.infer<typeof DiscoveryReport>;
