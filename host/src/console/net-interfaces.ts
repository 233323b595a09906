import { readdir, readFile, stat } from 'node:fs/promises';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** A network interface the management network can be put on. */
export interface NetInterface {
  name: string;
  mac: string | null;
  /** the kernel's operstate: up, down, dormant, unknown, … */
  state: string;
  /** a device behind it (a NIC), not a bridge, bond or tunnel */
  physical: boolean;
  /** its addresses with their prefix length (no IPv6 link-local) */
  addresses: string[];
}

const read = (path: string) =>
  readFile(path, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );

/**
 * Every interface but loopback, from sysfs (it lists those without an address too), NICs first.
 * `sysClassNet` and `interfaces` are there for tests.
 */
export async function readNetInterfaces(
  deps: { sysClassNet?: string; interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]> } = {},
): Promise<NetInterface[]> {
  const root = deps.sysClassNet ?? '/sys/class/net';
  const addrs = (deps.interfaces ?? networkInterfaces)();
  const names = await readdir(root).catch(() => Object.keys(addrs));
  const list = await Promise.all(
    names
      .filter((n) => n !== 'lo')
      .map(async (name): Promise<NetInterface> => {
        const mac = await read(join(root, name, 'address'));
        return {
          name,
          mac: mac && mac !== '00:00:00:00:00:00' ? mac : null,
          state: (await read(join(root, name, 'operstate'))) ?? 'unknown',
          physical: await stat(join(root, name, 'device')).then(
            () => true,
            () => false,
          ),
          addresses: (addrs[name] ?? [])
            .filter((a) => !a.internal && !(a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)))
            .map((a) => a.cidr ?? a.address),
        };
      }),
  );
  return list.sort((a, b) => Number(b.physical) - Number(a.physical) || a.name.localeCompare(b.name));
}
