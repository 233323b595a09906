// I/O adapter for host telemetry: reads /proc through file descriptors opened once and re-read
// with pread at offset 0 (procfs regenerates the text on every read from 0), into one reused
// buffer. No child processes, no per-tick open/close, no systeminformation: at 1 Hz that library
// costs ~17 % of a core and ~20 spawned processes a second here (ENVIRONMENT.md).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type FsUsage,
  type MountEntry,
  NETWORK_FS,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseStat,
  parseUptime,
  type RawReading,
} from './proc-parse.ts';

export interface ProcReader {
  /** One raw reading; throws if a /proc file cannot be read. */
  read(): RawReading;
  /** Closes the descriptors; idempotent. */
  close(): void;
}

export interface ProcReaderOptions {
  /** Root of procfs; tests point it at a directory laid out like /proc. */
  procRoot?: string;
  /** The mount list is re-read at most this often (ms). */
  mountsRefreshMs?: number;
  /** Initial read buffer size; it doubles whenever a file fills it. */
  bufferSize?: number;
  /** Monotonic ms clock stamped on each reading. */
  monotonic?: () => number;
}

const FILES = {
  stat: 'stat',
  meminfo: 'meminfo',
  loadavg: 'loadavg',
  netDev: 'net/dev',
  diskstats: 'diskstats',
  uptime: 'uptime',
  mounts: 'self/mounts',
} as const;
type FileKey = keyof typeof FILES;

/** The per-tick files (everything but mounts), exported so the benchmark reads the same set. */
export const TICK_FILES: readonly string[] = Object.entries(FILES)
  .filter(([key]) => key !== 'mounts')
  .map(([, rel]) => rel);

function usage(entry: MountEntry, st: fs.StatsFs): FsUsage {
  return {
    mount: entry.mount,
    fstype: entry.fstype,
    size: st.blocks * st.bsize,
    used: Math.max(0, st.blocks - st.bfree) * st.bsize,
    available: st.bavail * st.bsize,
  };
}

export function createProcReader(opts: ProcReaderOptions = {}): ProcReader {
  const root = opts.procRoot ?? '/proc';
  const refreshMs = opts.mountsRefreshMs ?? 30_000;
  const monotonic = opts.monotonic ?? (() => performance.now());
  let buf = Buffer.allocUnsafe(opts.bufferSize ?? 16 * 1024);

  const fds = new Map<FileKey, number>();
  try {
    for (const [key, rel] of Object.entries(FILES) as [FileKey, string][]) {
      fds.set(key, fs.openSync(path.join(root, rel), 'r'));
    }
  } catch (err) {
    for (const fd of fds.values()) fs.closeSync(fd);
    throw err;
  }
  let closed = false;

  function readText(key: FileKey, encoding: BufferEncoding = 'latin1'): string {
    const fd = fds.get(key);
    if (closed || fd === undefined) throw new Error('proc reader is closed');
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      // A full buffer may mean a truncated file: grow and read again from 0.
      if (n < buf.length) return buf.toString(encoding, 0, n);
      buf = Buffer.allocUnsafe(buf.length * 2);
    }
  }

  let mounts: MountEntry[] = [];
  let mountsReadAt = Number.NEGATIVE_INFINITY;
  // Network filesystems are queried with async statfs so a dead NFS server stalls one libuv
  // worker, not the event loop; the last answer is reported, and at most one query is in flight.
  const remote = new Map<string, { last: FsUsage | null }>();

  function refreshMounts(now: number): void {
    if (now - mountsReadAt < refreshMs) return;
    mountsReadAt = now;
    mounts = parseMounts(readText('mounts', 'utf8'));
    const live = new Set(mounts.filter((m) => NETWORK_FS.has(m.fstype)).map((m) => m.mount));
    for (const mount of remote.keys()) if (!live.has(mount)) remote.delete(mount);
  }

  let remoteInFlight = false;
  function remoteUsage(entry: MountEntry): FsUsage | null {
    let state = remote.get(entry.mount);
    if (!state) {
      state = { last: null };
      remote.set(entry.mount, state);
    }
    // One remote statfs in flight at a time across all mounts: a hung hard-mounted NFS server
    // then holds one libuv worker at most, never the whole pool (which state writes, scrypt
    // and randomBytes also need).
    if (!remoteInFlight) {
      const s = state;
      remoteInFlight = true;
      fs.statfs(entry.mount, (err, st) => {
        remoteInFlight = false;
        s.last = err ? null : usage(entry, st);
      });
    }
    return state.last;
  }

  function filesystems(): FsUsage[] {
    const out: FsUsage[] = [];
    for (const entry of mounts) {
      if (NETWORK_FS.has(entry.fstype)) {
        const u = remoteUsage(entry);
        if (u) out.push(u);
        continue;
      }
      try {
        out.push(usage(entry, fs.statfsSync(entry.mount)));
      } catch {
        // unmounted since the last refresh, or not ours to look at: leave it out
      }
    }
    return out;
  }

  return {
    read() {
      const mono = monotonic();
      refreshMounts(mono);
      return {
        mono,
        cpu: parseStat(readText('stat')),
        memory: parseMeminfo(readText('meminfo')),
        load: parseLoadavg(readText('loadavg')),
        net: parseNetDev(readText('netDev', 'utf8')),
        disks: parseDiskstats(readText('diskstats')),
        uptime: parseUptime(readText('uptime')),
        filesystems: filesystems(),
      };
    },
    close() {
      if (closed) return;
      closed = true;
      for (const fd of fds.values()) fs.closeSync(fd);
      fds.clear();
    },
  };
}
