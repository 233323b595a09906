import { NetworkCreateRequest, netmaskToPrefix } from '@quantix/shared';
import type { NetworkSummaryMode } from '@quantix/shared';
import {
  attr,
  buildXml,
  child,
  children,
  int,
  path,
  rootElement,
  text,
  validate,
  type XmlNode,
} from './xml.ts';

/** NAT gets `<forward mode='nat'/>`; an isolated network has no `<forward>` at all. */
export function buildNetworkXml(input: NetworkCreateRequest): string {
  const spec = validate(NetworkCreateRequest, input, 'network');
  return buildXml({
    network: {
      name: spec.name,
      forward: spec.mode === 'nat' ? { '@_mode': 'nat' } : undefined,
      bridge: { '@_name': spec.bridge, '@_stp': 'on', '@_delay': 0 },
      ip: spec.ipv4 && {
        '@_address': spec.ipv4.address,
        '@_prefix': spec.ipv4.prefix,
        dhcp: { range: { '@_start': spec.ipv4.dhcpStart, '@_end': spec.ipv4.dhcpEnd } },
      },
    },
  });
}

export interface ParsedNetworkIpv4 {
  address: string;
  prefix: number;
  dhcpStart: string | null;
  dhcpEnd: string | null;
}

export interface ParsedNetwork {
  name: string;
  uuid: string;
  mode: NetworkSummaryMode;
  bridge: string | null;
  ipv4: ParsedNetworkIpv4 | null;
}

const MODES = new Set<string>(['nat', 'route', 'open', 'bridge']);

function parseMode(forward: XmlNode | undefined): NetworkSummaryMode {
  if (forward === undefined) return 'isolated';
  // `<forward/>` without a mode means NAT (formatnetwork)
  const mode = attr(forward, 'mode') ?? 'nat';
  return MODES.has(mode) ? (mode as NetworkSummaryMode) : 'other';
}

function parseIpv4(network: XmlNode): ParsedNetworkIpv4 | null {
  const ip = children(network, 'ip').find((n) => (attr(n, 'family') ?? 'ipv4') === 'ipv4');
  const address = attr(ip, 'address');
  if (ip === undefined || address === undefined) return null;
  const netmask = attr(ip, 'netmask');
  const prefix = int(attr(ip, 'prefix')) ?? (netmask === undefined ? null : netmaskToPrefix(netmask));
  if (prefix === null || prefix === undefined) return null;
  const range = path(ip, 'dhcp', 'range');
  return { address, prefix, dhcpStart: attr(range, 'start') ?? null, dhcpEnd: attr(range, 'end') ?? null };
}

export function parseNetworkXml(xml: string): ParsedNetwork {
  const network = rootElement(xml, 'network');
  return {
    name: text(child(network, 'name')) ?? '',
    uuid: text(child(network, 'uuid')) ?? '',
    mode: parseMode(child(network, 'forward')),
    bridge: attr(child(network, 'bridge'), 'name') ?? null,
    ipv4: parseIpv4(network),
  };
}
