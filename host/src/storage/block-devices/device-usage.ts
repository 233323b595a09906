import { execFile } from 'node:child_process';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** What tells whether a block device holds something; real files by default, a folder of copies in tests. */
export interface BlockUsageReader {
  /** /proc/self/mounts */
  mounts(): Promise<string>;
  /** /proc/swaps */
  swaps(): Promise<string>;
  /** the partitions of a whole disk (`vda` → `vda1`, `vda2`) */
  partitions(name: string): Promise<string[]>;
  /** /sys/class/block/<name>/holders: device-mapper (LVM, dm-crypt) or md (RAID) on top of it */
  holders(name: string): Promise<string[]>;
  /** the on-disk signature (blkid's TYPE), null when there is none, an Error when it cannot be read */
  signature(name: string): Promise<string | null | Error>;
  /** a mount or swap source (`/dev/disk/by-uuid/…`, `/dev/vda1`) to its kernel name */
  kernelName(source: string): Promise<string | null>;
}

const SIGNATURES: Record<string, string> = {
  LVM2_member: 'is an LVM physical volume',
  linux_raid_member: 'is a RAID member',
  swap: 'holds swap',
  crypto_LUKS: 'is an encrypted (LUKS) volume',
  zfs_member: 'is a ZFS pool member',
};

/**
 * Why a device (a whole disk with its partitions, or one partition) must not be wiped, in words;
 * empty when it holds nothing anyone can see. Counts a filesystem on the whole disk (no partition
 * table: `vda` mounted at `/`), swap, LVM physical volumes, RAID members, holders and filesystem
 * signatures. A device whose signature cannot be read counts as in use: better refused than wiped.
 */
export async function deviceUsage(name: string, r: BlockUsageReader): Promise<string[]> {
  const devices = [name, ...(await r.partitions(name))];
  const mine = new Set(devices);
  const reasons: string[] = [];
  for (const line of (await r.mounts()).split('\n')) {
    const [source, mount] = line.split(' ');
    if (!source?.startsWith('/dev/') || !mount) continue;
    const dev = await r.kernelName(source);
    if (dev && mine.has(dev)) reasons.push(`${dev} is mounted at ${unescapeMount(mount)}`);
  }
  for (const line of (await r.swaps()).split('\n').slice(1)) {
    const source = line.split(/\s+/)[0];
    if (!source?.startsWith('/dev/')) continue;
    const dev = await r.kernelName(source);
    if (dev && mine.has(dev)) reasons.push(`${dev} is in use as swap`);
  }
  for (const dev of devices) {
    const holders = await r.holders(dev);
    if (holders.length) reasons.push(`${dev} is held by ${holders.join(', ')} (LVM, RAID or encryption)`);
    const sig = await r.signature(dev);
    if (sig instanceof Error) reasons.push(`${dev} could not be checked for data (${sig.message})`);
    else if (sig) reasons.push(`${dev} ${SIGNATURES[sig] ?? `has a ${sig} filesystem`}`);
  }
  return [...new Set(reasons)];
}

/** /proc/self/mounts escapes a space as `\040` */
function unescapeMount(m: string): string {
  return m.replace(/\\([0-7]{3})/g, (_s, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

const SYS_BLOCK = '/sys/class/block';

export function createBlockUsageReader(): BlockUsageReader {
  const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
  return {
    mounts: () => readFile('/proc/self/mounts', 'utf8'),
    swaps: () => readFile('/proc/swaps', 'utf8').catch(() => ''),
    async partitions(name) {
      const entries = await list(join(SYS_BLOCK, name));
      const parts = await Promise.all(
        entries
          .filter((e) => e.startsWith(name))
          .map(async (e) => ((await list(join(SYS_BLOCK, name, e))).includes('partition') ? e : null)),
      );
      return parts.filter((p): p is string => p !== null);
    },
    holders: (name) => list(join(SYS_BLOCK, name, 'holders')),
    signature: (name) =>
      new Promise((resolve) => {
        // -p: probe the device itself, not udev's cache (there is no udev on every host)
        execFile(
          'blkid',
          ['-p', '-o', 'value', '-s', 'TYPE', `/dev/${name}`],
          { timeout: 10_000 },
          (err, out, errOut) => {
            // exit code 2 without a word: nothing found on the device (2 is also a read error, which says so)
            if (err && (err as { code?: unknown }).code === 2 && !String(errOut).trim()) return resolve(null);
            if (err) return resolve(new Error(String(errOut).trim() || err.message));
            resolve(out.trim() || null);
          },
        );
      }),
    async kernelName(source) {
      try {
        return basename(await realpath(source));
      } catch {
        return null;
      }
    },
  };
}

/** `deviceUsage` for a path under /dev (a symlink such as /dev/disk/by-id/… is followed). */
export async function deviceUsageOfPath(path: string, r: BlockUsageReader): Promise<string[]> {
  const name = await r.kernelName(path);
  return name ? deviceUsage(name, r) : [];
}
