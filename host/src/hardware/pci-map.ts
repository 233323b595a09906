import type { PciDevice } from '@quantix/shared';

/** Raw facts about one device as sysfs gives them (`/sys/bus/pci/devices/<address>/…`). */
export interface RawPci {
  address: string;
  /** e.g. "0x010601" */
  classCode: string;
  vendorId: string;
  deviceId: string;
  driver: string | null;
  iommuGroup: number | null;
}

// PCI base classes and the common subclasses an admin looks for (passthrough candidates).
const CLASSES: Record<string, string> = {
  '0100': 'SCSI storage controller',
  '0101': 'IDE interface',
  '0104': 'RAID bus controller',
  '0106': 'SATA controller',
  '0107': 'Serial Attached SCSI controller',
  '0108': 'Non-Volatile memory controller',
  '0200': 'Ethernet controller',
  '0280': 'Network controller',
  '0300': 'VGA compatible controller',
  '0302': '3D controller',
  '0380': 'Display controller',
  '0403': 'Audio device',
  '0600': 'Host bridge',
  '0601': 'ISA bridge',
  '0604': 'PCI bridge',
  '0680': 'Bridge',
  '0c03': 'USB controller',
  '0c05': 'SMBus',
  '0c80': 'Serial bus controller',
  '1200': 'Processing accelerators',
};
const BASE: Record<string, string> = {
  '01': 'Mass storage controller',
  '02': 'Network controller',
  '03': 'Display controller',
  '04': 'Multimedia controller',
  '05': 'Memory controller',
  '06': 'Bridge',
  '07': 'Communication controller',
  '08': 'Generic system peripheral',
  '0c': 'Serial bus controller',
  '12': 'Processing accelerators',
};
const VENDORS: Record<string, string> = {
  '8086': 'Intel',
  '1022': 'AMD',
  '10de': 'NVIDIA',
  '1002': 'AMD/ATI',
  '15b3': 'Mellanox',
  '14e4': 'Broadcom',
  '1af4': 'Red Hat (virtio)',
  '1b36': 'Red Hat (QEMU)',
  '144d': 'Samsung',
  '1000': 'Broadcom / LSI',
  '1234': 'QEMU',
  '10ec': 'Realtek',
  '1d0f': 'Amazon',
};

const hex = (s: string) => s.trim().toLowerCase().replace(/^0x/, '');

export function toPciDevice(raw: RawPci): PciDevice {
  const cls = hex(raw.classCode).padStart(6, '0');
  const vendorId = hex(raw.vendorId);
  const deviceId = hex(raw.deviceId);
  return {
    address: raw.address,
    className: CLASSES[cls.slice(0, 4)] ?? BASE[cls.slice(0, 2)] ?? `class ${cls}`,
    vendor: VENDORS[vendorId] ?? vendorId,
    device: deviceId,
    vendorId,
    deviceId,
    driver: raw.driver,
    iommuGroup: raw.iommuGroup,
  };
}
