import { z } from 'zod';
import { VirtName, VirtUuid } from './virt-common.ts';

/** A bridge libvirt creates for a network: lower case, at most 15 characters (IFNAMSIZ). */
export const BridgeName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,14}$/,
    'lower-case letters, digits, "_" and "-", starting with a letter, at most 15',
  );

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function prefixToNetmask(prefix: number): string {
  return intToIpv4(2 ** 32 - 2 ** (32 - prefix));
}

/** null when the mask is not a contiguous run of ones. */
export function netmaskToPrefix(mask: string): number | null {
  const n = ipv4ToInt(mask);
  for (let prefix = 0; prefix <= 32; prefix++) {
    if (n === 2 ** 32 - 2 ** (32 - prefix)) return prefix;
  }
  return null;
}

export const NetworkIpv4 = z
  .object({
    /** The host's own address on the network (libvirt's gateway for the guests). */
    address: z.ipv4(),
    prefix: z.number().int().min(8).max(30),
    dhcpStart: z.ipv4(),
    dhcpEnd: z.ipv4(),
  })
  .superRefine((v, ctx) => {
    const size = 2 ** (32 - v.prefix);
    const network = Math.floor(ipv4ToInt(v.address) / size) * size;
    const usable = (ip: string): boolean => {
      const n = ipv4ToInt(ip);
      return n > network && n < network + size - 1;
    };
    if (!usable(v.address)) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'not a host address in its subnet' });
    }
    for (const key of ['dhcpStart', 'dhcpEnd'] as const) {
      if (!usable(v[key]))
        ctx.addIssue({ code: 'custom', path: [key], message: 'not in the subnet of address' });
    }
    const start = ipv4ToInt(v.dhcpStart);
    const end = ipv4ToInt(v.dhcpEnd);
    const self = ipv4ToInt(v.address);
    if (start > end) ctx.addIssue({ code: 'custom', path: ['dhcpEnd'], message: 'before dhcpStart' });
    else if (self >= start && self <= end) {
      ctx.addIssue({ code: 'custom', path: ['dhcpStart'], message: 'the range includes the address itself' });
    }
  });
export type NetworkIpv4 = z.infer<typeof NetworkIpv4>;

export const NetworkMode = z.enum(['nat', 'isolated']);
export type NetworkMode = z.infer<typeof NetworkMode>;

export const NetworkCreateRequest = z.object({
  name: VirtName,
  mode: NetworkMode,
  bridge: BridgeName,
  ipv4: NetworkIpv4.optional(),
});
export type NetworkCreateRequest = z.infer<typeof NetworkCreateRequest>;

/** Networks Quantix did not create may forward in other ways. */
export const NetworkSummaryMode = z.enum(['nat', 'isolated', 'route', 'open', 'bridge', 'other']);
export type NetworkSummaryMode = z.infer<typeof NetworkSummaryMode>;

export const NetworkSummary = z.object({
  uuid: VirtUuid,
  name: z.string(),
  active: z.boolean(),
  autostart: z.boolean(),
  bridge: z.string().nullable(),
  mode: NetworkSummaryMode,
  /** `192.168.122.1/24`: the host's address with the prefix. */
  ipv4: z.string().nullable(),
});
export type NetworkSummary = z.infer<typeof NetworkSummary>;
