/**
 * The one interface the rest of the host uses for libvirt. Nothing outside this folder knows
 * whether it is D-Bus, a binding or virsh underneath. Objects are addressed by UUID (pools and
 * networks too) and volumes by pool UUID + name. Errors are AppErrors with codes from shared/.
 */
export type DomainState =
  | 'nostate'
  | 'running'
  | 'blocked'
  | 'paused'
  | 'shutdown'
  | 'shutoff'
  | 'crashed'
  | 'pmsuspended'
  | 'unknown';

/** Where a hardware change goes: the running guest, the persistent definition, or both. */
export type DeviceScope = 'live' | 'config' | 'both';

export type DomainAction = 'start' | 'shutdown' | 'reboot' | 'destroy' | 'reset' | 'suspend' | 'resume';

export interface DomainInfo {
  uuid: string;
  name: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
}

/** One record of the bulk stats call, keyed by domain name (libvirt's own key). */
export interface DomainStats {
  name: string;
  state: DomainState;
  /** cumulative guest CPU time, ns */
  cpuTimeNs: number | null;
  vcpus: number | null;
  balloonCurrentKiB: number | null;
  balloonMaxKiB: number | null;
  /** memory the guest reports as unused (needs a balloon driver in the guest) */
  balloonUnusedKiB: number | null;
  // metrics history (slice-hist): cumulative byte counters summed over the VM's disks and NICs,
  // from the same bulk call (null when libvirt reports none, e.g. a stopped VM)
  blockReadBytes?: number | null;
  blockWriteBytes?: number | null;
  netRxBytes?: number | null;
  netTxBytes?: number | null;
}

export type DomainEventKind =
  | 'defined'
  | 'undefined'
  | 'started'
  | 'suspended'
  | 'resumed'
  | 'stopped'
  | 'shutdown'
  | 'pmsuspended'
  | 'crashed';

export interface SnapshotInfo {
  name: string;
  xml: string;
  current: boolean;
}

export interface GuestInterfaceInfo {
  name: string;
  mac: string;
  addresses: Array<{ type: 'ipv4' | 'ipv6'; address: string; prefix: number }>;
}

export type PoolState = 'inactive' | 'building' | 'running' | 'degraded' | 'inaccessible';

export interface PoolInfo {
  uuid: string;
  name: string;
  active: boolean;
  autostart: boolean;
  persistent: boolean;
  state: PoolState;
  capacity: number;
  allocation: number;
  available: number;
  xml: string;
}

export interface VolumeInfo {
  name: string;
  key: string;
  path: string;
  capacity: number;
  allocation: number;
  xml: string;
}

/** A pool's volumes; one that cannot be read (its file deleted behind libvirt's back) is skipped. */
export interface VolumeList {
  volumes: VolumeInfo[];
  skipped: Array<{ key: string; reason: string }>;
}

export interface NetworkInfo {
  uuid: string;
  name: string;
  active: boolean;
  autostart: boolean;
  persistent: boolean;
  xml: string;
}

export type ObjectEventKind =
  | 'defined'
  | 'undefined'
  | 'started'
  | 'stopped'
  | 'created'
  | 'deleted'
  | 'changed';

export interface HypervisorStatus {
  available: boolean;
  uri: string;
  hostname: string | null;
  /** e.g. "9.0.0" */
  libvirtVersion: string | null;
  error: string | null;
}

export interface Hypervisor {
  readonly uri: string;
  /** true once the connection underneath is gone for good: open a new one */
  readonly lost: boolean;
  status(): Promise<HypervisorStatus>;
  /** whether guests can use KVM here (libvirt offers the `kvm` domain type) */
  kvmAvailable(): Promise<boolean>;
  /**
   * libvirt's domain capabilities XML (CPU modes and models, devices) for this domain type, and
   * machine type (firmware and TPM differ between `pc` and `q35`; libvirt's default is `pc`)
   */
  domainCapabilities(virtType: 'kvm' | 'qemu', machine?: string): Promise<string>;
  /** starts a guest that exists only while it runs (the CPU probe's); returns its UUID */
  createTransientDomain(xml: string): Promise<string>;

  listDomains(): Promise<DomainInfo[]>;
  domain(uuid: string): Promise<DomainInfo>;
  domainState(uuid: string): Promise<DomainState>;
  /** all running/defined domains' live numbers in one libvirt call */
  domainStats(): Promise<DomainStats[]>;
  domainXml(uuid: string, opts?: { inactive?: boolean }): Promise<string>;
  defineDomain(xml: string): Promise<DomainInfo>;
  domainAction(uuid: string, action: DomainAction): Promise<void>;
  undefineDomain(uuid: string): Promise<void>;
  setDomainAutostart(uuid: string, on: boolean): Promise<void>;
  /**
   * Replaces our own element under `<metadata>`, in the persistent definition and, while the
   * domain runs, in the live one: no rewrite of the rest of its XML. (libvirt-dbus cannot pass
   * the NULL that removes an element; write an empty one instead.)
   */
  setDomainMetadata(uuid: string, element: { uri: string; key: string; xml: string }): Promise<void>;

  // --- VM hardware editing (issue 9, "Edit a VM after creation") ---
  // Each changes the running guest (`live`), the persistent definition (`config`) or both.
  attachDevice(uuid: string, xml: string, scope: DeviceScope): Promise<void>;
  detachDevice(uuid: string, xml: string, scope: DeviceScope): Promise<void>;
  /** changes a device in place (a CD-ROM's medium, a NIC's link state), matched by target or MAC */
  updateDevice(uuid: string, xml: string, scope: DeviceScope): Promise<void>;
  /** vCPUs online (not the maximum) */
  setVcpus(uuid: string, count: number, scope: DeviceScope): Promise<void>;
  /** the balloon target, not the maximum */
  setMemory(uuid: string, kib: number, scope: DeviceScope): Promise<void>;
  /** grows a running guest's disk (QEMU's block_resize) */
  blockResize(uuid: string, target: string, bytes: number): Promise<void>;
  setDomainDescription(uuid: string, description: string, scope: DeviceScope): Promise<void>;

  listSnapshots(uuid: string): Promise<SnapshotInfo[]>;
  createSnapshot(uuid: string, xml: string): Promise<void>;
  revertSnapshot(uuid: string, name: string): Promise<void>;
  deleteSnapshot(uuid: string, name: string): Promise<void>;

  listPools(): Promise<PoolInfo[]>;
  pool(uuid: string): Promise<PoolInfo>;
  definePool(xml: string): Promise<PoolInfo>;
  buildPool(uuid: string): Promise<void>;
  startPool(uuid: string): Promise<void>;
  stopPool(uuid: string): Promise<void>;
  undefinePool(uuid: string): Promise<void>;
  /** removes what building the pool made (its directory, mount point or volume group) */
  deletePoolStorage(uuid: string): Promise<void>;
  refreshPool(uuid: string): Promise<void>;
  setPoolAutostart(uuid: string, on: boolean): Promise<void>;

  listVolumes(poolUuid: string): Promise<VolumeList>;
  /** the volumes' keys (paths, for files) only: no per-volume reads */
  volumeKeys(poolUuid: string): Promise<string[]>;
  createVolume(poolUuid: string, xml: string): Promise<VolumeInfo>;
  deleteVolume(poolUuid: string, name: string): Promise<void>;
  resizeVolume(poolUuid: string, name: string, capacityBytes: number): Promise<void>;

  listNetworks(): Promise<NetworkInfo[]>;
  network(uuid: string): Promise<NetworkInfo>;
  defineNetwork(xml: string): Promise<NetworkInfo>;
  startNetwork(uuid: string): Promise<void>;
  stopNetwork(uuid: string): Promise<void>;
  undefineNetwork(uuid: string): Promise<void>;
  setNetworkAutostart(uuid: string, on: boolean): Promise<void>;

  // --- issue 9: OS presets, firmware, TPM, guest agent (slice-os) ---
  /**
   * Shutdown or reboot by one path only: `agent` asks the guest agent (fails at once when none
   * is connected), `acpi` presses the virtual power button.
   */
  domainPowerVia(uuid: string, action: 'shutdown' | 'reboot', via: 'agent' | 'acpi'): Promise<void>;
  /** The guest agent's answers; each fails with GUEST_AGENT_UNAVAILABLE when no agent answers. */
  guestHostname(uuid: string): Promise<string>;
  guestInterfaces(uuid: string): Promise<GuestInterfaceInfo[]>;
  /**
   * The agent's `os.*` fields (`name`, `version`, `id`, `kernel-release`, …). libvirt-dbus has no
   * GetGuestInfo: this asks `virsh guestinfo --os`, one process per call, so on demand only.
   */
  guestOsInfo(uuid: string): Promise<Record<string, string>>;
  /** freezes (thaws) all the guest's filesystems through its agent; returns how many */
  guestFsFreeze(uuid: string): Promise<number>;
  guestFsThaw(uuid: string): Promise<number>;
  /**
   * Removes swtpm's state of a domain that no longer exists, if libvirt left it: libvirt 9.0
   * skips it when the domain is undefined right after it stopped (swtpm still exiting). True when
   * something was removed. Only for qemu:///system, whose state lives in /var/lib/libvirt/swtpm.
   */
  removeLeftoverTpmState(uuid: string): Promise<boolean>;

  onDomainEvent(fn: (uuid: string, kind: DomainEventKind, detail: number) => void): () => void;
  onPoolEvent(fn: (uuid: string, kind: ObjectEventKind) => void): () => void;
  onNetworkEvent(fn: (uuid: string, kind: ObjectEventKind) => void): () => void;
  close(): void;
}
