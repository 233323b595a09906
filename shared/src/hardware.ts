import { z } from 'zod';
import { DiscoveryReport } from './discovery.ts';

export const PciDevice = z.object({
  /** domain:bus:slot.function, e.g. 0000:00:1f.2 */
  address: z.string(),
  /** class name, e.g. "SATA controller", or the hex class when unknown */
  className: z.string(),
  vendor: z.string(),
  device: z.string(),
  vendorId: z.string(),
  deviceId: z.string(),
  driver: z.string().nullable(),
  iommuGroup: z.number().int().nullable(),
});
export type PciDevice = z.infer<typeof PciDevice>;

/** The Hardware page: the discovery inventory plus PCI devices. */
export const HardwareReport = DiscoveryReport.extend({ pci: z.array(PciDevice) });
export type HardwareReport = z.infer<typeof HardwareReport>;
