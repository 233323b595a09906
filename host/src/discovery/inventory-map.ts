import type { DiscoveryReport } from '@quantix/shared';
import type { Systeminformation as S } from 'systeminformation';
import type { RawInventory } from './inventory-source.ts';

type Disk = DiscoveryReport['disks'][number];
type Nic = DiscoveryReport['networkInterfaces'][number];
type Mount = DiscoveryReport['nfsMounts'][number];

const MIB = 1024 * 1024;
const VIRT_FLAGS = ['vmx', 'svm'];
/** Block devices of type "disk" that are not hardware: loop files, RAM disks, compressed swap, network blocks. */
const NOT_A_DISK = /^(loop|ram|zram|nbd)\d/;
/** Never a management address: libvirt's NAT bridge and docker's are reachable from this host only. */
const HOST_ONLY_BRIDGE = /^(virbr|docker)/;

/** Pure: the raw reads of one collection → the report a hub receives. */
export function toDiscoveryReport(raw: RawInventory, collectedAt: Date): DiscoveryReport {
  const nics = mapNics(raw);
  const defaultNic = raw.networkInterfaceDefault;
  const virshVersion = raw.virshVersion === null ? null : parseVirshVersion(raw.virshVersion);
  return {
    collectedAt: collectedAt.toISOString(),
    hostname: raw.hostname || str(raw.osInfo?.hostname),
    managementIp: pickManagementIp(nics, defaultNic),
    cpu: { ...mapCpu(raw.cpu, raw.cpuFlags), kvm: raw.kvm },
    memory: {
      total: num(raw.mem?.total),
      available: num(raw.mem?.available),
      swapTotal: num(raw.mem?.swaptotal),
      swapFree: num(raw.mem?.swapfree),
    },
    disks: mapDisks(raw.blockDevices, raw.diskLayout).map((d) => ({
      ...d,
      inUse: raw.diskUsage[d.name] ?? [],
    })),
    filesystems: raw.fsSize.map((f) => ({
      source: str(f.fs),
      mount: str(f.mount),
      fstype: str(f.type),
      size: num(f.size),
      used: num(f.used),
      available: num(f.available),
    })),
    nfsMounts: mapNfs(raw),
    networkInterfaces: nics,
    gpus: raw.graphics.map((g) => ({
      vendor: str(g.vendor),
      model: str(g.model),
      // the PCI address is what VFIO passthrough needs; systeminformation's `bus` is only "PCIe"/"Onboard"
      bus: str(g.busAddress) || str(g.bus),
      vram: typeof g.vram === 'number' && g.vram > 0 ? g.vram * MIB : null,
    })),
    os: {
      distro: str(raw.osInfo?.distro),
      release: str(raw.osInfo?.release),
      kernel: str(raw.osInfo?.kernel),
      arch: str(raw.osInfo?.arch),
    },
    libvirt: { version: virshVersion, status: raw.virshVersion === null ? 'unavailable' : 'available' },
    warnings: [...raw.failures],
  };
}

/** The daemon's libvirt version when virsh reached a daemon, else the client library's. */
export function parseVirshVersion(text: string): string | null {
  const daemon = /^Running against daemon:\s*(\S+)/m.exec(text)?.[1];
  const library = /^Using library:\s*libvirt\s+(\S+)/m.exec(text)?.[1];
  return daemon ?? library ?? null;
}

/** /proc/self/mounts lines; octal escapes (`\040` for a space) decoded. */
export function parseMounts(text: string): Mount[] {
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const [source, mount, fstype] = line.split(' ');
    if (source && mount && fstype) out.push({ source: decode(source), mount: decode(mount), fstype });
  }
  return out;
}

function mapCpu(cpu: S.CpuData | null, flagsText: string): Omit<DiscoveryReport['cpu'], 'kvm'> {
  const flags = new Set((flagsText || str(cpu?.flags)).split(/\s+/));
  const maker = str(cpu?.manufacturer);
  const brand = str(cpu?.brand);
  const ghz = num(cpu?.speed) || num(cpu?.speedMax);
  return {
    model: brand.startsWith(maker) ? brand : `${maker} ${brand}`.trim(),
    vendor: str(cpu?.vendor) || maker,
    sockets: int(cpu?.processors),
    cores: int(cpu?.physicalCores),
    threads: int(cpu?.cores),
    mhz: Math.round(ghz * 1000),
    virtualization: VIRT_FLAGS.filter((f) => flags.has(f)),
  };
}

function mapDisks(blocks: S.BlockDevicesData[], layout: S.DiskLayoutData[]): Array<Omit<Disk, 'inUse'>> {
  const disks = blocks.filter((b) => b.type === 'disk' && !NOT_A_DISK.test(b.name));
  const names = disks.map((d) => d.name);
  // systeminformation's `device` names the parent disk of a partition; a longest-prefix match is the fallback
  const parentOf = (p: S.BlockDevicesData) => {
    const device = str(p.device).replace(/^\/dev\//, '');
    if (names.includes(device)) return device;
    return names.filter((n) => p.name.startsWith(n)).sort((a, b) => b.length - a.length)[0];
  };
  const partitions = blocks.filter((b) => b.type === 'part');
  const out: Array<Omit<Disk, 'inUse'>> = disks.map((d) => {
    const l = layout.find((x) => x.device === `/dev/${d.name}`);
    return {
      name: d.name,
      model: str(l?.name) || str(d.model),
      serial: str(l?.serialNum) || str(d.serial),
      size: num(d.size) || num(l?.size),
      type: diskType(d, l),
      partitions: partitions
        .filter((p) => parentOf(p) === d.name)
        .map((p) => ({ name: p.name, size: num(p.size), fstype: str(p.fsType), mount: str(p.mount) })),
    };
  });
  // blockDevices failed or missed a disk: still list what diskLayout saw, without partitions
  for (const l of layout) {
    const name = str(l.device).replace(/^\/dev\//, '');
    if (name && !names.includes(name)) {
      out.push({
        name,
        model: str(l.name),
        serial: str(l.serialNum),
        size: num(l.size),
        type: diskType(null, l),
        partitions: [],
      });
    }
  }
  return out;
}

/** One vocabulary: "NVMe", "SSD", "HDD" or "unknown" (diskLayout says "HD", blockDevices "HDD"). */
function diskType(block: S.BlockDevicesData | null, layout: S.DiskLayoutData | undefined): string {
  if (layout?.type === 'NVMe' || str(block?.protocol) === 'nvme' || block?.name.startsWith('nvme'))
    return 'NVMe';
  if (layout?.type === 'SSD' || block?.physical === 'SSD') return 'SSD';
  if (layout?.type === 'HD' || block?.physical === 'HDD') return 'HDD';
  return 'unknown';
}

function mapNfs(raw: RawInventory): Mount[] {
  const isNfs = (fstype: string) => fstype === 'nfs' || fstype === 'nfs4';
  const fromDf = raw.fsSize.map((f) => ({ source: str(f.fs), mount: str(f.mount), fstype: str(f.type) }));
  const byMount = new Map<string, Mount>();
  for (const m of [...parseMounts(raw.mounts), ...fromDf]) {
    if (isNfs(m.fstype) && !byMount.has(m.mount)) byMount.set(m.mount, m);
  }
  return [...byMount.values()];
}

/** sysfs names every interface (also one enslaved to a bridge, which has no address) and os its addresses. */
function mapNics(raw: RawInventory): Nic[] {
  const out: Nic[] = [];
  for (const l of [...raw.netLinks].sort((a, b) => a.name.localeCompare(b.name))) {
    if (l.name === 'lo' || l.type === '772') continue; // loopback is not an interface a hub cares about
    const addrs = raw.addresses[l.name] ?? [];
    const ips = (family: string) => [
      ...new Set(addrs.filter((a) => a.family === family).map((a) => a.address)),
    ];
    const speed = Number.parseInt(l.speed, 10);
    out.push({
      name: l.name,
      mac: l.address,
      speed: speed > 0 ? speed : null,
      link: linkState(l.operstate),
      ipv4: ips('IPv4'),
      ipv6: ips('IPv6'),
      // software devices (bridges, taps, bonds, VLANs) live under /sys/devices/virtual
      virtual: l.path.includes('/devices/virtual/'),
    });
  }
  return out;
}

function linkState(operstate: string): Nic['link'] {
  if (operstate === 'up') return 'up';
  if (['down', 'lowerlayerdown', 'notpresent', 'dormant'].includes(operstate)) return 'down';
  return 'unknown';
}

function pickManagementIp(nics: Nic[], defaultNic: string): string | null {
  const usable = (ip: string) => !ip.startsWith('127.') && !ip.startsWith('169.254.');
  const fromDefault = nics.find((n) => n.name === defaultNic)?.ipv4.find(usable);
  if (fromDefault) return fromDefault;
  const ranked = [
    ...nics.filter((n) => !HOST_ONLY_BRIDGE.test(n.name)),
    ...nics.filter((n) => HOST_ONLY_BRIDGE.test(n.name)),
  ];
  return ranked.flatMap((n) => n.ipv4).find(usable) ?? null;
}

// systeminformation's types promise strings and numbers; real output has nulls and NaN (diskLayout on Linux)
function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
function int(v: unknown): number {
  return Math.round(num(v));
}
