import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { hostAddresses } from './network-addresses.ts';
import { normalizeIp } from '../tls/certificate.ts';

/**
 * The names this server answers to. A request whose `Host` header names anything else is refused
 * (421 HOST_NOT_ALLOWED): with DNS rebinding an attacker's page reaches us under the attacker's
 * own name, and then `Origin: https://evil.example` equals `https://<Host>`. The list comes from
 * what the server knows about itself, never from the request — like Cockpit's `Origins` setting.
 */
export interface AllowedHosts {
  allows(hostHeader: string | undefined): boolean;
}

export const HOST_NOT_ALLOWED_MESSAGE = 'this host does not answer to that name (see --public-name)';

/** Addresses change (DHCP, a new NIC): read them again after this long at most. */
const REFRESH_MS = 3000;

export function createAllowedHosts(deps: {
  /** `--public-name`: names the host is reached by that it cannot know (DNS, a port forward) */
  publicNames: string[];
  /** the certificate's SANs (`DNS:x`, `IP:y`), read at every refresh: a renewal may add names */
  certificateNames: () => string[];
  hostname?: () => string;
  addresses?: () => string[];
  now?: () => number;
}): AllowedHosts {
  const hostname = deps.hostname ?? osHostname;
  const addresses = deps.addresses ?? hostAddresses;
  const now = deps.now ?? Date.now;
  let names = new Set<string>();
  let readAt = Number.NEGATIVE_INFINITY;
  const read = () => {
    const sans = deps.certificateNames().map((n) => n.replace(/^(DNS|IP):/, ''));
    const all = ['localhost', hostname(), ...addresses(), ...sans, ...deps.publicNames];
    names = new Set(all.map(normalizeName).filter((n) => n !== ''));
    readAt = now();
  };
  return {
    allows(header) {
      const name = header === undefined ? null : hostOf(header);
      if (name === null) return false;
      if (now() - readAt > REFRESH_MS) read();
      return names.has(name);
    },
  };
}

/**
 * The name in a `Host` header (`name`, `name:port`, `[v6]:port`), lower-case and in one spelling;
 * null when it is not a plain name or address. The port is not checked: a port forward may put
 * the host behind another one.
 */
export function hostOf(header: string): string | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+))(?::\d{1,5})?$/.exec(header);
  if (!m) return null;
  if (m[1] !== undefined) return isIP(m[1]) === 6 ? normalizeIp(m[1]) : null;
  return m[2] ? normalizeName(m[2]) : null;
}

function normalizeName(name: string): string {
  const n = (name.split('%')[0] ?? '').toLowerCase().replace(/\.$/, '');
  return isIP(n) === 6 ? normalizeIp(n) : n;
}
