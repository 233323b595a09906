// The guest-OS presets of the VM wizard (issue 9), as plain data: the host fills in what a create
// request leaves out from this table, and the host's and the hub's wizards (which do not bundle
// zod) show and pre-select the same values. One table, used by both ends.

export const GUEST_OS_PRESETS = ['linux', 'win11', 'win10', 'winserver', 'other'] as const;
export type GuestOsPreset = (typeof GUEST_OS_PRESETS)[number];

export const DISK_BUSES = ['virtio', 'sata', 'scsi'] as const;
export type DiskBus = (typeof DISK_BUSES)[number];

export const NIC_MODELS = ['virtio', 'e1000e', 'e1000', 'rtl8139'] as const;
export type NicModel = (typeof NIC_MODELS)[number];

export const FIRMWARES = ['bios', 'uefi'] as const;
export type Firmware = (typeof FIRMWARES)[number];

export interface OsPresetDefaults {
  readonly label: string;
  /** why the defaults are what they are, for the wizard */
  readonly note: string;
  readonly firmware: Firmware;
  readonly secureBoot: boolean;
  readonly tpm: boolean;
  readonly diskBus: DiskBus;
  readonly nicModel: NicModel;
  /** Windows keeps the RTC in local time */
  readonly clock: 'utc' | 'localtime';
  /** Hyper-V enlightenments: Windows runs much better with them (timers, spinlocks, APIC) */
  readonly hyperv: boolean;
}

// Windows installers carry no virtio drivers: SATA disks and an e1000e NIC work out of the box
// (the virtio-win ISO can be added later for speed). Windows 11 requires UEFI, Secure Boot and a
// TPM 2.0. Linux and "other" keep what Quantix made before presets existed: BIOS, virtio.
export const OS_PRESETS: Readonly<Record<GuestOsPreset, OsPresetDefaults>> = {
  linux: {
    label: 'Linux',
    note: 'virtio disks and NIC, BIOS firmware (UEFI works too), the guest agent channel.',
    firmware: 'bios',
    secureBoot: false,
    tpm: false,
    diskBus: 'virtio',
    nicModel: 'virtio',
    clock: 'utc',
    hyperv: false,
  },
  win11: {
    label: 'Windows 11',
    note: 'UEFI with Secure Boot and a TPM 2.0 (Windows 11 needs all three), SATA disk and e1000e NIC (no driver disk needed), local-time clock, Hyper-V enlightenments.',
    firmware: 'uefi',
    secureBoot: true,
    tpm: true,
    diskBus: 'sata',
    nicModel: 'e1000e',
    clock: 'localtime',
    hyperv: true,
  },
  win10: {
    label: 'Windows 10',
    note: 'UEFI, SATA disk and e1000e NIC (no driver disk needed), local-time clock, Hyper-V enlightenments.',
    firmware: 'uefi',
    secureBoot: false,
    tpm: false,
    diskBus: 'sata',
    nicModel: 'e1000e',
    clock: 'localtime',
    hyperv: true,
  },
  winserver: {
    label: 'Windows Server',
    note: 'UEFI, SATA disk and e1000e NIC (no driver disk needed), local-time clock, Hyper-V enlightenments.',
    firmware: 'uefi',
    secureBoot: false,
    tpm: false,
    diskBus: 'sata',
    nicModel: 'e1000e',
    clock: 'localtime',
    hyperv: true,
  },
  other: {
    label: 'Other',
    note: 'virtio disks and NIC, BIOS firmware.',
    firmware: 'bios',
    secureBoot: false,
    tpm: false,
    diskBus: 'virtio',
    nicModel: 'virtio',
    clock: 'utc',
    hyperv: false,
  },
};

export const isWindows = (os: GuestOsPreset): boolean => os.startsWith('win');
