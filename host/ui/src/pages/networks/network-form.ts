import type { NetworkCreateRequest, NetworkMode } from '@quantix/shared';

// shared/src/virt-network.ts's rules as plain checks (no zod in the UI); the host checks again.

export interface NetworkForm {
  readonly name: string;
  readonly mode: NetworkMode;
  readonly bridge: string;
  readonly withIpv4: boolean;
  readonly address: string;
  readonly prefix: string;
  readonly dhcpStart: string;
  readonly dhcpEnd: string;
}

export const emptyNetworkForm = (): NetworkForm => ({
  name: '',
  mode: 'nat',
  bridge: '',
  withIpv4: true,
  address: '192.168.100.1',
  prefix: '24',
  dhcpStart: '192.168.100.100',
  dhcpEnd: '192.168.100.200',
});

const VIRT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BRIDGE = /^[a-z][a-z0-9_-]{0,14}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** `virbr-<name>` trimmed to 15 characters and to what a bridge name may hold. */
export function suggestBridge(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return `virbr-${clean}`.slice(0, 15);
}

export function validateNetworkForm(f: NetworkForm): Partial<Record<keyof NetworkForm, string>> {
  const e: Partial<Record<keyof NetworkForm, string>> = {};
  const name = f.name.trim();
  if (name === '') e.name = 'Give the network a name.';
  else if (!VIRT_NAME.test(name) || name.includes('..')) {
    e.name = 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 64.';
  }
  if (!BRIDGE.test(f.bridge.trim())) {
    e.bridge = 'Lower-case letters, digits, "_" and "-", starting with a letter, at most 15.';
  }
  if (!f.withIpv4) return e;
  for (const key of ['address', 'dhcpStart', 'dhcpEnd'] as const) {
    if (!IPV4.test(f[key].trim())) e[key] = 'An IPv4 address.';
  }
  const prefix = /^\d+$/.test(f.prefix.trim()) ? Number(f.prefix) : Number.NaN;
  if (!(prefix >= 8 && prefix <= 30)) e.prefix = 'A prefix length from 8 to 30.';
  if (Object.keys(e).length > 0) return e;
  const size = 2 ** (32 - prefix);
  const net = Math.floor(ipv4ToInt(f.address.trim()) / size) * size;
  const usable = (ip: string) => {
    const n = ipv4ToInt(ip.trim());
    return n > net && n < net + size - 1;
  };
  if (!usable(f.address)) e.address = 'Not a host address in its subnet.';
  if (!usable(f.dhcpStart)) e.dhcpStart = 'Not in the subnet of the address.';
  if (!usable(f.dhcpEnd)) e.dhcpEnd = 'Not in the subnet of the address.';
  const start = ipv4ToInt(f.dhcpStart.trim());
  const end = ipv4ToInt(f.dhcpEnd.trim());
  const self = ipv4ToInt(f.address.trim());
  if (!e.dhcpEnd && start > end) e.dhcpEnd = 'Before the start of the range.';
  else if (!e.dhcpStart && self >= start && self <= end)
    e.dhcpStart = 'The range includes the address itself.';
  return e;
}

export function toNetworkRequest(f: NetworkForm): NetworkCreateRequest {
  return {
    name: f.name.trim(),
    mode: f.mode,
    bridge: f.bridge.trim(),
    ...(f.withIpv4
      ? {
          ipv4: {
            address: f.address.trim(),
            prefix: Number(f.prefix),
            dhcpStart: f.dhcpStart.trim(),
            dhcpEnd: f.dhcpEnd.trim(),
          },
        }
      : {}),
  };
}
