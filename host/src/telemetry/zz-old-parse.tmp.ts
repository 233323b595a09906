// Pure parsers for the /proc text the telemetry reader collects. No I/O here: the reader hands us
// strings, tests hand us recorded fixtures. Rates and percentages are computed in proc-delta.ts.

/** Jiffies per state, as in the `cpu` lines of /proc/stat (guest time is already inside user/nice). */
export interface CpuJiffies {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** `cores[n]` is cpuN; a core that is offline has no line, so its slot is null. */
export interface CpuStat {
  total: CpuJiffies;
  cores: (CpuJiffies | null)[];
}

/** Bytes. */
export interface MemInfo {
  total: number;
  available: number;
  swapTotal: number;
  swapFree: number;
}

export interface LoadAvg {
  avg: [number, number, number];
  /** PID most recently created on the system (last field of /proc/loadavg). */
  lastPid: number;
}

/** Cumulative bytes since the interface appeared. */
export interface NetCounters {
  name: string;
  rx: number;
  tx: number;
}

/** Cumulative bytes since boot (or since the disk appeared). */
export interface DiskCounters {
  name: string;
  read: number;
  written: number;
}

export interface MountEntry {
  device: string;
  mount: string;
  fstype: string;
}

/** Bytes, as `df` shows them: used = size - free, available = what a non-root user may still write. */
export interface FsUsage {
  mount: string;
  fstype: string;
  size: number;
  used: number;
  available: number;
}

/** One raw reading: cumulative counters plus instantaneous gauges. `mono` is a monotonic ms clock. */
export interface RawReading {
  mono: number;
  cpu: CpuStat;
  memory: MemInfo;
  load: LoadAvg;
  net: NetCounters[];
  disks: DiskCounters[];
  uptime: number;
  filesystems: FsUsage[];
}

const WS = /\s+/;

function toJiffies(f: string[]): CpuJiffies {
  const n = (i: number): number => Number(f[i] ?? 0) || 0;
  return {
    user: n(1),
    nice: n(2),
    system: n(3),
    idle: n(4),
    iowait: n(5),
    irq: n(6),
    softirq: n(7),
    steal: n(8),
  };
}

/** /proc/stat: only the leading `cpu` lines are read; the long `intr` line after them is never split. */
export function parseStat(text: string): CpuStat {
  let total: CpuJiffies | null = null;
  const cores: (CpuJiffies | null)[] = [];
  let pos = 0;
  while (pos < text.length && text.startsWith('cpu', pos)) {
    const end = text.indexOf('\n', pos);
    const line = text.slice(pos, end === -1 ? text.length : end);
    pos = end === -1 ? text.length : end + 1;
    const fields = line.split(WS);
    const label = fields[0] ?? '';
    if (label === 'cpu') {
      total = toJiffies(fields);
    } else {
      const idx = Number(label.slice(3));
      if (Number.isInteger(idx) && idx >= 0) {
        while (cores.length < idx) cores.push(null);
        cores[idx] = toJiffies(fields);
      }
    }
  }
  if (!total) throw new Error('/proc/stat: no aggregate cpu line');
  return { total, cores };
}

/** Value of `Key:   123 kB` at the start of a line, in bytes; undefined when the key is absent. */
function kbField(text: string, key: string): number | undefined {
  const needle = `${key}:`;
  let at = 0;
  if (!text.startsWith(needle)) {
    at = text.indexOf(`\n${needle}`) + 1;
    if (at === 0) return undefined;
  }
  const end = text.indexOf('\n', at);
  const value = Number.parseInt(text.slice(at + needle.length, end === -1 ? undefined : end).trim(), 10);
  return Number.isFinite(value) ? value * 1024 : undefined;
}

export function parseMeminfo(text: string): MemInfo {
  const total = kbField(text, 'MemTotal') ?? 0;
  // MemAvailable exists since Linux 3.14; before that, free + buffers + page cache is the usual estimate.
  const available =
    kbField(text, 'MemAvailable') ??
    (kbField(text, 'MemFree') ?? 0) + (kbField(text, 'Buffers') ?? 0) + (kbField(text, 'Cached') ?? 0);
  return {
    total,
    available: Math.min(available, total),
    swapTotal: kbField(text, 'SwapTotal') ?? 0,
    swapFree: kbField(text, 'SwapFree') ?? 0,
  };
}

/** /proc/loadavg: `0.15 0.14 0.06 1/86 3844`. */
export function parseLoadavg(text: string): LoadAvg {
  const f = text.trim().split(WS);
  const n = (i: number): number => Math.max(0, Number(f[i]) || 0);
  return { avg: [n(0), n(1), n(2)], lastPid: n(4) };
}

/** /proc/uptime: seconds since boot (first field). */
export function parseUptime(text: string): number {
  return Math.max(0, Number.parseFloat(text) || 0);
}

/** /proc/net/dev: per-interface cumulative bytes, in kernel order; `lo` is left out. */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    // the two header lines contain `|` and no `name:` prefix
    if (colon === -1 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo' || name === '') continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(WS);
    out.push({ name, rx: Number(f[0]) || 0, tx: Number(f[8]) || 0 });
  }
  return out;
}

// Interfaces whose traffic is also counted on another interface (bridges, bonds, VLANs, tunnels,
// VM taps, containers). They are listed individually but kept out of the host total, which should
// read as "traffic through the physical NICs" — otherwise one VM download is counted 3 times
// (vnet0 → br0 → eno1).
const STACKED_NET =
  /^(vnet|virbr|br|veth|docker|tap|tun|ifb|bond|team|macvtap|macvlan|vxlan|wg|dummy|cni|flannel|kube)/;

export function countsTowardNetTotal(name: string): boolean {
  return !STACKED_NET.test(name) && !name.includes('.') && !name.includes('@');
}

// Block devices that would double count (dm-*, md*: stacked on the physical disks below them) or
// are not disks at all (loop, ram, zram: memory; nbd: often a local image file exported again;
// eMMC boot/rpmb areas, NVMe multipath controller paths nvmeXcYnZ whose I/O nvmeXnZ also shows).
const NOT_A_DISK = /^(loop|ram|zram|dm-|md|nbd)|^nvme\d+c\d+n|boot\d+$|rpmb$/;
const PARTITION_SUFFIX = /^p?\d+$/;

/**
 * /proc/diskstats: whole physical disks only. A partition is recognised structurally — its name is
 * another listed device's name plus `N` or `pN` (sda1, nvme0n1p2, mmcblk0p1) — rather than by a
 * list of driver prefixes, so unknown disk types still count and `sdaa` is not taken for a
 * partition of `sda`. Sectors in diskstats are always 512 bytes, whatever the hardware sector.
 */
export function parseDiskstats(text: string): DiskCounters[] {
  const rows: { name: string; read: number; written: number }[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(WS);
    const name = f[2];
    if (f.length < 10 || !name || NOT_A_DISK.test(name)) continue;
    rows.push({ name, read: (Number(f[5]) || 0) * 512, written: (Number(f[9]) || 0) * 512 });
  }
  const names = new Set(rows.map((r) => r.name));
  return rows.filter((r) => {
    for (let i = 2; i < r.name.length; i++) {
      if (names.has(r.name.slice(0, i)) && PARTITION_SUFFIX.test(r.name.slice(i))) return false;
    }
    return true;
  });
}

// What an admin wants in a "disk space" list: filesystems that hold data. Pseudo filesystems
// (proc, sysfs, cgroup, devtmpfs, tmpfs scratch, debugfs, hugetlbfs, ...) and read-only images
// (squashfs snaps, iso9660 install media — always 100 % full) are noise.
const DATA_FS = new Set(
  'ext2 ext3 ext4 xfs btrfs zfs vfat exfat ntfs ntfs3 f2fs jfs reiserfs nfs nfs4 cifs smb3 ceph fuse.glusterfs'.split(
    ' ',
  ),
);
// A live/installer system runs its root on overlay or tmpfs; then `/` is the one that matters.
const ROOT_ONLY_FS = new Set(['overlay', 'tmpfs']);

/** Network filesystems: statfs on a dead server can block, so the reader queries them off-thread. */
export const NETWORK_FS = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'ceph', 'fuse.glusterfs']);

/** /proc/self/mounts escapes space, tab, newline and backslash as octal. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/**
 * Data filesystems from /proc/self/mounts, one per device: btrfs subvolumes and bind mounts show
 * the same device (and the same space) several times; the first mount listed — the original — wins.
 */
export function parseMounts(text: string): MountEntry[] {
  const byDevice = new Map<string, MountEntry>();
  for (const line of text.split('\n')) {
    const [rawDevice, rawMount, fstype] = line.split(' ');
    if (!rawDevice || !rawMount || !fstype) continue;
    const mount = unescapeMount(rawMount);
    if (!DATA_FS.has(fstype) && !(ROOT_ONLY_FS.has(fstype) && mount === '/')) continue;
    const device = unescapeMount(rawDevice);
    if (!byDevice.has(device)) byDevice.set(device, { device, mount, fstype });
  }
  return [...byDevice.values()];
}
