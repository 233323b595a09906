import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** The file the console owns; `10-` sorts before the image's catch-all DHCP file, so it wins. */
export const NETWORK_FILE = '10-quantix-mgmt.network';

/** A Linux interface name: at most 15 bytes, no `/`, whitespace or `%`. */
const IfaceName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'not an interface name');
const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });
const optional = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);

const Dhcp = z.strictObject({ mode: z.literal('dhcp'), iface: IfaceName });

const Static = z
  .strictObject({
    mode: z.literal('static'),
    iface: IfaceName,
    address: z.union([z.cidrv4(), z.cidrv6()], {
      error: 'expected an address with its prefix length, e.g. 192.168.1.10/24',
    }),
    gateway: IpAddress.optional(),
    dns: z.array(IpAddress).max(3, 'at most 3 DNS servers'),
  })
  .superRefine((c, ctx) => {
    const [ip = '', len = ''] = c.address.split('/');
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    const prefix = Number(len);
    if (family === 'ipv4' && prefix < 31) {
      // the host part of the address (arithmetic: bitwise operators are 32-bit signed)
      const size = 2 ** (32 - prefix);
      const host = ipv4Bits(ip) % size;
      if (host === 0 || host === size - 1)
        ctx.addIssue({
          code: 'custom',
          path: ['address'],
          message: `${ip} is the network's or broadcast address`,
        });
    }
    if (c.gateway === undefined) return;
    const gwFamily = isIP(c.gateway) === 6 ? 'ipv6' : 'ipv4';
    if (gwFamily !== family) {
      ctx.addIssue({ code: 'custom', path: ['gateway'], message: `the gateway is not an ${family} address` });
      return;
    }
    const subnet = new BlockList();
    subnet.addSubnet(ip, prefix, family);
    if (!subnet.check(c.gateway, family))
      ctx.addIssue({ code: 'custom', path: ['gateway'], message: `${c.gateway} is not in ${c.address}` });
    else if (c.gateway === ip)
      ctx.addIssue({ code: 'custom', path: ['gateway'], message: 'the gateway is the address itself' });
  });

/** The management network as the console sets it: DHCP, or a static address, gateway and DNS. */
export const ManagementNetwork = z.discriminatedUnion('mode', [Dhcp, Static]);
export type ManagementNetwork = z.infer<typeof ManagementNetwork>;

function ipv4Bits(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/**
 * What the network form asks, as typed: an empty gateway means none, DNS servers are separated by
 * spaces or commas. Answers the config, or one message per bad field.
 */
export function parseNetworkForm(form: {
  iface: string;
  mode: 'dhcp' | 'static';
  address?: string;
  gateway?: string;
  dns?: string;
}): { ok: true; config: ManagementNetwork } | { ok: false; errors: string[] } {
  const raw =
    form.mode === 'dhcp'
      ? { mode: 'dhcp', iface: form.iface }
      : {
          mode: 'static',
          iface: form.iface,
          address: form.address?.trim() ?? '',
          ...(optional(form.gateway) ? { gateway: optional(form.gateway) } : {}),
          dns: (form.dns ?? '').split(/[\s,]+/).filter((s) => s !== ''),
        };
  const r = ManagementNetwork.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${String(i.path[0] ?? 'input')}: ${i.message}`) };
}

/** The systemd-networkd `.network` file for the management interface, matched by its name. */
export function renderNetworkFile(c: ManagementNetwork): string {
  const lines = [
    '# The management network, written by the Quantix console (quantix-host console).',
    '# Edit it there, or here and run: networkctl reload',
    '[Match]',
    `Name=${c.iface}`,
    '',
    '[Network]',
  ];
  if (c.mode === 'dhcp') lines.push('DHCP=yes');
  else {
    lines.push(`Address=${c.address}`);
    if (c.gateway) lines.push(`Gateway=${c.gateway}`);
    for (const d of c.dns) lines.push(`DNS=${d}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line for the confirmation and the result. */
export function describeNetwork(c: ManagementNetwork): string {
  if (c.mode === 'dhcp') return `${c.iface}: DHCP`;
  const gw = c.gateway ? `, gateway ${c.gateway}` : ', no gateway';
  const dns = c.dns.length ? `, DNS ${c.dns.join(' ')}` : '';
  return `${c.iface}: ${c.address}${gw}${dns}`;
}
