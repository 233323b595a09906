import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import {
  type BlockUsageReader,
  createBlockUsageReader,
  deviceUsage,
} from '../storage/block-devices/device-usage.ts';
import type { NetworkInterfaceInfo } from 'node:os';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Systeminformation as S } from 'systeminformation';

/** One entry of /sys/class/net, as read (missing attributes are ''). */
export interface RawNetLink {
  name: string;
  /** the symlink target: `../../devices/virtual/net/br0` for software devices, a PCI path for NICs */
  path: string;
  address: string;
  operstate: string;
  /** Mbit/s as the kernel prints it; '' or '-1' when the link does not say */
  speed: string;
  /** ARPHRD type number: '1' ethernet, '772' loopback */
  type: string;
}

/** Everything discovery reads, unmapped. A part that failed or timed out is empty and named in `failures`. */
export interface RawInventory {
  hostname: string;
  osInfo: S.OsData | null;
  cpu: S.CpuData | null;
  cpuFlags: string;
  mem: S.MemData | null;
  diskLayout: S.DiskLayoutData[];
  blockDevices: S.BlockDevicesData[];
  fsSize: S.FsSizeData[];
  networkInterfaceDefault: string;
  graphics: S.GraphicsControllerData[];
  /** os.networkInterfaces(): every address of every interface */
  addresses: Record<string, NetworkInterfaceInfo[]>;
  /**
   * /sys/class/net: every interface, also one without an address (a NIC enslaved to br0). Not
   * systeminformation's networkInterfaces(): it runs shell commands synchronously per interface,
   * which stalled the event loop for ~250 ms with 4 interfaces and grows with every VM's tap.
   */
  netLinks: RawNetLink[];
  /** /proc/self/mounts text: lists NFS mounts even when `df` (fsSize) hangs on a dead server */
  mounts: string;
  /** stdout of `virsh version --daemon`, null when virsh is missing or could not connect */
  virshVersion: string | null;
  /** /dev/kvm exists as a character device */
  kvm: boolean;
  /** per whole disk (kernel name): why it must not be wiped */
  diskUsage: Record<string, string[]>;
  failures: string[];
}

export interface InventorySource {
  read(): Promise<RawInventory>;
}

/** The systeminformation calls discovery makes; injectable so a test can make one hang. */
export interface InventorySi {
  osInfo(): Promise<S.OsData>;
  cpu(): Promise<S.CpuData>;
  cpuFlags(): Promise<string>;
  mem(): Promise<S.MemData>;
  diskLayout(): Promise<S.DiskLayoutData[]>;
  blockDevices(): Promise<S.BlockDevicesData[]>;
  fsSize(): Promise<S.FsSizeData[]>;
  networkInterfaceDefault(): Promise<string>;
  graphics(): Promise<S.GraphicsData>;
}

export interface InventorySourceDeps {
  /** default `qemu:///system` */
  libvirtUri?: string;
  /** per part; default 10 s. A hung `df` on a dead NFS server must not hang discovery. */
  timeoutMs?: number;
  /** virsh binary; default `virsh` from PATH */
  virsh?: string;
  si?: InventorySi;
  /** what tells whether a disk holds something; default: /proc, /sys and blkid */
  blockUsage?: BlockUsageReader;
}

const VIRSH_TIMEOUT_MS = 3_000;

// Wrapped rather than passed as-is: systeminformation treats a first argument as a callback.
// Loaded on first use: it costs ~25 ms and ~10 MB that an idle host should not pay at start.
const si = () => import('systeminformation');
const realSi: InventorySi = {
  osInfo: async () => (await si()).osInfo(),
  cpu: async () => (await si()).cpu(),
  cpuFlags: async () => (await si()).cpuFlags(),
  mem: async () => (await si()).mem(),
  diskLayout: async () => (await si()).diskLayout(),
  blockDevices: async () => (await si()).blockDevices(),
  fsSize: async () => (await si()).fsSize(),
  networkInterfaceDefault: async () => (await si()).networkInterfaceDefault(),
  graphics: async () => (await si()).graphics(),
};

export function createInventorySource(deps: InventorySourceDeps = {}): InventorySource {
  const api = deps.si ?? realSi;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const uri = deps.libvirtUri ?? 'qemu:///system';
  const virsh = deps.virsh ?? 'virsh';

  return {
    async read() {
      const failures: string[] = [];
      const part = <T>(name: string, run: () => Promise<T>, empty: T) =>
        withTimeout(name, run, empty, timeoutMs, failures);
      const linux = Promise.all([
        part('mounts', () => readFile('/proc/self/mounts', 'utf8'), ''),
        part('netLinks', () => readNetLinks('/sys/class/net'), []),
        part('libvirt', () => runVirsh(virsh, uri, failures), null),
      ]);
      // Note: some systeminformation calls block the event loop (execSync) while they run; a timeout
      // cannot interrupt those, it only stops an asynchronous call that never settles.
      const [osInfo, cpu, cpuFlags, mem, diskLayout, blockDevices, fsSize, nicDefault, graphics] =
        await Promise.all([
          part('osInfo', api.osInfo, null),
          part('cpu', api.cpu, null),
          part('cpuFlags', api.cpuFlags, ''),
          part('mem', api.mem, null),
          part('diskLayout', api.diskLayout, []),
          part('blockDevices', api.blockDevices, []),
          part('fsSize', api.fsSize, []),
          part('networkInterfaceDefault', api.networkInterfaceDefault, ''),
          part('graphics', async () => (await api.graphics()).controllers, []),
        ]);
      const [mounts, netLinks, virshVersion] = await linux;
      const reader = deps.blockUsage ?? createBlockUsageReader();
      const diskNames = blockDevices.filter((b) => b.type === 'disk').map((b) => b.name);
      const usage = await part(
        'diskUsage',
        async () =>
          Object.fromEntries(
            await Promise.all(diskNames.map(async (n) => [n, await deviceUsage(n, reader)])),
          ),
        {} as Record<string, string[]>,
      );
      return {
        hostname: hostname(),
        osInfo,
        cpu,
        cpuFlags,
        mem,
        diskLayout,
        blockDevices,
        fsSize,
        networkInterfaceDefault: nicDefault,
        graphics,
        addresses: readAddresses(),
        netLinks,
        mounts,
        virshVersion,
        kvm: await stat('/dev/kvm').then(
          (st) => st.isCharacterDevice(),
          () => false,
        ),
        diskUsage: usage,
        failures: failures.sort(),
      };
    },
  };
}

async function withTimeout<T>(
  name: string,
  run: () => Promise<T>,
  empty: T,
  ms: number,
  failures: string[],
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(run), timeout]);
  } catch (err) {
    failures.push(`${name}: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    return empty;
  } finally {
    clearTimeout(timer);
  }
}

function readAddresses(): Record<string, NetworkInterfaceInfo[]> {
  const out: Record<string, NetworkInterfaceInfo[]> = {};
  for (const [name, list] of Object.entries(networkInterfaces())) out[name] = list ?? [];
  return out;
}

async function readNetLinks(dir: string): Promise<RawNetLink[]> {
  const attr = (name: string, file: string) =>
    readFile(join(dir, name, file), 'utf8').then(
      (s) => s.trim(),
      () => '', // e.g. `speed` is EINVAL on a link that is down
    );
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      path: await readlink(join(dir, name)).catch(() => ''),
      address: await attr(name, 'address'),
      operstate: await attr(name, 'operstate'),
      speed: await attr(name, 'speed'),
      type: await attr(name, 'type'),
    })),
  );
}

/** Resolves virsh's stdout, or null (and a note in `failures`) when virsh is missing or cannot connect. */
function runVirsh(virsh: string, uri: string, failures: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      virsh,
      ['--readonly', '--connect', uri, 'version', '--daemon'],
      // LC_ALL=C: the map parses the English labels ("Running against daemon: ...")
      { timeout: VIRSH_TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why =
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${virsh} not found`
            : err.killed
              ? `virsh timed out after ${VIRSH_TIMEOUT_MS} ms`
              : stderr || err.message;
        failures.push(`libvirt: ${oneLine(why.replace(/^error:\s*/gm, ''))}`);
        resolve(null);
      },
    );
  });
}

/** The last non-empty line, short: virsh prints the specific cause last. */
function oneLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim());
  return (lines.filter(Boolean).at(-1) ?? '').slice(0, 200);
}
