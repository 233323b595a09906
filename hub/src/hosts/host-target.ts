import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError, decodeJoin, type JoinPayload } from '@quantix/shared';

/** A pasted host URL reduced to the one origin the hub may talk to. */
export interface HostOrigin {
  /** `https://name:port`, the only origin the hub follows (no redirects) */
  origin: string;
  /** a DNS name or an IP literal, without IPv6 brackets */
  hostname: string;
  port: number;
  /** present when the admin pasted a `qx1.` join string */
  join: JoinPayload | null;
}

/** A host origin whose name resolved only to permitted addresses. */
export interface HostTarget extends HostOrigin {
  /** connect to one of these, never re-resolve the name (DNS rebinding) */
  addresses: { address: string; family: 4 | 6 }[];
}

export type ResolveAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface ResolveOptions {
  /** loopback is refused unless set; `make run` and tests set it */
  allowLoopback: boolean;
  /** defaults to node:dns lookup with `all: true` (what the OS resolver answers, /etc/hosts included) */
  resolveAll?: ResolveAll;
}

function parseError(input: string, message: string): AppError {
  // a join string carries the token secret: never echo it back (logs, screenshots of the error)
  const hostUrl = input.startsWith('qx1.') ? 'qx1.…' : input.slice(0, 200);
  return new AppError('VALIDATION_FAILED', message, { details: { phase: 'parse', hostUrl } });
}

/** Accepts `https://host[:port][/]` or a `qx1.` join string carrying such a URL. */
export function parseHostInput(input: string): HostOrigin {
  const text = input.trim();
  let join: JoinPayload | null = null;
  let urlText = text;
  if (text.startsWith('qx1.')) {
    join = decodeJoin(text);
    if (!join) throw parseError(text, 'The join string is damaged; copy it again from the host');
    urlText = join.url;
  }
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw parseError(urlText, `Not a URL: ${urlText.slice(0, 80)}`);
  }
  if (url.protocol !== 'https:') {
    throw parseError(urlText, `The host URL must start with https:// (got ${url.protocol}//)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw parseError(urlText, 'The host URL must not contain a user name or password');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw parseError(urlText, 'The host URL must name only the host and port, with no path');
  }
  if (url.hostname === '') throw parseError(urlText, 'The host URL names no host');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 443 : Number(url.port);
  return { origin: url.origin, hostname, port, join };
}

type AddressClass = 'metadata' | 'link-local' | 'unspecified' | 'multicast' | 'loopback';

function blockList(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

// Checked in this order, so the metadata address is named as such rather than as link-local.
// BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the IPv4 rules as well.
const CLASSES: [AddressClass, BlockList][] = [
  ['metadata', blockList([['169.254.169.254', 32]], [['fd00:ec2::254', 128]])],
  ['link-local', blockList([['169.254.0.0', 16]], [['fe80::', 10]])],
  ['unspecified', blockList([['0.0.0.0', 8]], [['::', 128]])],
  [
    'multicast',
    blockList(
      [
        ['224.0.0.0', 4],
        ['255.255.255.255', 32],
      ],
      [['ff00::', 8]],
    ),
  ],
  ['loopback', blockList([['127.0.0.0', 8]], [['::1', 128]])],
];

export function classifyAddress(address: string): AddressClass | null {
  const family = isIP(address);
  if (family === 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [cls, list] of CLASSES) if (list.check(address, type)) return cls;
  return null;
}

/** Why the hub must not connect to this address, or null when it may. */
export function refusalReason(address: string, opts: { allowLoopback: boolean }): string | null {
  const cls = classifyAddress(address.split('%')[0] ?? address);
  if (cls === null || (cls === 'loopback' && opts.allowLoopback)) return null;
  const why: Record<AddressClass, string> = {
    metadata: 'a cloud metadata address',
    'link-local': 'a link-local address',
    unspecified: 'an unspecified address',
    multicast: 'a multicast or broadcast address',
    loopback: 'a loopback address (allowed only with the hub’s loopback setting)',
  };
  return `${address} is ${why[cls]}`;
}

const defaultResolveAll: ResolveAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the origin's name and checks every address. If any address is refused the whole
 * target is: a name that mixes a public and a metadata address is an attack, not a host.
 */
export async function resolveHostTarget(origin: HostOrigin, opts: ResolveOptions): Promise<HostTarget> {
  const details = { phase: 'resolve', hostUrl: origin.origin };
  let found: { address: string; family: number }[];
  const literal = isIP(origin.hostname);
  if (literal !== 0) {
    found = [{ address: origin.hostname, family: literal }];
  } else {
    try {
      found = await (opts.resolveAll ?? defaultResolveAll)(origin.hostname);
    } catch (cause) {
      throw new AppError('NETWORK_UNREACHABLE', `The name ${origin.hostname} does not resolve`, {
        cause,
        details,
      });
    }
  }
  if (found.length === 0) {
    throw new AppError('NETWORK_UNREACHABLE', `The name ${origin.hostname} has no address`, { details });
  }
  const addresses: HostTarget['addresses'] = [];
  for (const { address, family } of found) {
    const reason = refusalReason(address, opts);
    if (reason !== null) {
      const via = literal === 0 ? `${origin.hostname} resolves to ${reason}` : reason;
      throw new AppError('ADDRESS_NOT_ALLOWED', `The hub does not connect there: ${via}`, { details });
    }
    addresses.push({ address, family: family === 6 ? 6 : 4 });
  }
  return { ...origin, addresses };
}
