import { readFile } from 'node:fs/promises';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

export interface HostAddress {
  iface: string;
  address: string;
  family: 'IPv4' | 'IPv6';
}

const RTF_UP = 0x1;

/**
 * The interfaces of the IPv4 default routes in `/proc/net/route`, lowest metric first: the
 * management interface is the first. Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask …
 */
export function defaultRouteInterfaces(routeTable: string): string[] {
  const routes: Array<{ iface: string; metric: number }> = [];
  for (const line of routeTable.split('\n').slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000') continue;
    if ((Number.parseInt(flags ?? '0', 16) & RTF_UP) === 0) continue;
    routes.push({ iface, metric: Number(metric) || 0 });
  }
  routes.sort((a, b) => a.metric - b.metric);
  return [...new Set(routes.map((r) => r.iface))];
}

/**
 * The addresses worth showing on the console: no loopback, no IPv6 link-local (neither makes a URL
 * another machine can open). The management interface's come first, IPv4 before IPv6; then the
 * other interfaces' by name.
 */
export function orderAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  defaultIfaces: string[],
): HostAddress[] {
  const rank = (iface: string) => {
    const i = defaultIfaces.indexOf(iface);
    return i < 0 ? defaultIfaces.length : i;
  };
  const all: HostAddress[] = [];
  for (const [iface, infos] of Object.entries(interfaces)) {
    for (const a of infos ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)) continue;
      all.push({ iface, address: a.address, family: a.family });
    }
  }
  return all.sort(
    (a, b) =>
      rank(a.iface) - rank(b.iface) ||
      a.iface.localeCompare(b.iface) ||
      (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1),
  );
}

/** Reads the machine's addresses, management first (see orderAddresses). */
export async function readHostAddresses(
  deps: { routeFile?: string; interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]> } = {},
): Promise<HostAddress[]> {
  // no /proc/net/route (not Linux, no IPv4): no interface is preferred
  const table = await readFile(deps.routeFile ?? '/proc/net/route', 'utf8').catch(() => '');
  return orderAddresses((deps.interfaces ?? networkInterfaces)(), defaultRouteInterfaces(table));
}
