import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RawPci } from './pci-map.ts';

/** Reads every PCI device from sysfs: plain file reads, no lspci process. */
export async function readPciDevices(root = '/sys/bus/pci/devices'): Promise<RawPci[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return []; // no PCI bus (some containers)
  }
  const read = (dir: string, f: string) => readFile(join(dir, f), 'utf8').then((s) => s.trim());
  const link = (dir: string, f: string) =>
    readlink(join(dir, f)).then(
      (target) => basename(target),
      () => null,
    );
  const devices = await Promise.all(
    names.sort().map(async (address): Promise<RawPci | null> => {
      const dir = join(root, address);
      try {
        const [classCode, vendorId, deviceId, driver, group] = await Promise.all([
          read(dir, 'class'),
          read(dir, 'vendor'),
          read(dir, 'device'),
          link(dir, 'driver'),
          link(dir, 'iommu_group'),
        ]);
        return {
          address,
          classCode,
          vendorId,
          deviceId,
          driver,
          iommuGroup: group === null ? null : Number(group),
        };
      } catch {
        return null;
      }
    }),
  );
  return devices.filter((d): d is RawPci => d !== null);
}
