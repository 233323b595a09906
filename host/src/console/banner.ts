import type { ConsoleStatus } from '@quantix/shared';
import type { HostAddress } from './host-addresses.ts';

/** What the console knows of the service: its status, or why there is none. */
export type ServiceView =
  | { kind: 'up'; status: ConsoleStatus }
  | {
      kind: 'down';
      /** absent: no control socket or nobody listening; silent: it did not answer in time */
      why: 'absent' | 'silent';
      /** read by the console itself, so the banner still says where the machine is */
      hostname: string;
      addresses: HostAddress[];
    };

export interface BannerView {
  service: ServiceView;
  /** running live from the ISO (nothing is kept at power-off) */
  live: boolean;
  pollSeconds: number;
}

export const MENU = [
  '[T] Registration token   [P] Admin password   [N] Management network',
  '[R] Restart service      [L] Show logs        [I] Install to disk',
  '[S] Root shell           [B] Reboot           [O] Power off',
];

const LABEL = 22;
const row = (label: string, value: string) => `  ${label.padEnd(LABEL)}${value}`;

/** `https://IP/`, the port only when not 443, IPv6 in brackets. */
export function managementUrl(address: string | undefined, port: number): string | null {
  if (!address) return null;
  const host = address.includes(':') ? `[${address}]` : address;
  return `https://${host}${port === 443 ? '' : `:${port}`}/`;
}

/** A git commit shortened to 12 hex digits, keeping a `-dirty` suffix. */
const shortCommit = (commit: string) => commit.replace(/^([0-9a-f]{12})[0-9a-f]+/, '$1');

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

function addressLines(addresses: HostAddress[]): string[] {
  const [first, ...rest] = addresses;
  if (!first) return [row('Management address', 'none yet: [N] configures the network')];
  const lines = [row('Management address', `${first.address} on ${first.iface}`)];
  if (rest.length > 0) {
    const shown = rest.slice(0, 3).map((a) => `${a.address} (${a.iface})`);
    const more = rest.length > 3 ? `, +${rest.length - 3} more` : '';
    lines.push(row('Other addresses', `${shown.join(', ')}${more}`));
  }
  return lines;
}

function hubLines(hubs: ConsoleStatus['hubs']): string[] {
  if (hubs.length === 0) return [row('Hub', 'not adopted by a hub ([T] gives the join string)')];
  const lines = hubs
    .slice(0, 3)
    .map((h, i) =>
      row(
        i === 0 ? 'Adopted by hub' : '',
        `${h.hubName} (${h.hubUrl}) - ${h.linked ? 'linked' : 'link down'}`,
      ),
    );
  if (hubs.length > 3) lines.push(row('', `and ${hubs.length - 3} more`));
  return lines;
}

/** Where the web UI is: the management address when it listens on all, else the one it listens on. */
function webUrl(s: ConsoleStatus): string {
  const everywhere = s.listenHost === '0.0.0.0' || s.listenHost === '::';
  return (
    managementUrl(everywhere ? s.addresses[0]?.address : s.listenHost, s.port) ??
    `https://${s.hostname}${s.port === 443 ? '' : `:${s.port}`}/`
  );
}

function upLines(s: ConsoleStatus): string[] {
  return [
    `  Quantix host ${s.version} (${shortCommit(s.commit)})`,
    '',
    row('Manage this host at', webUrl(s)),
    row('Hostname', s.hostname),
    ...addressLines(s.addresses),
    '  Certificate fingerprint (SPKI), as a browser or a hub sees it:',
    `    ${s.spki}`,
    ...hubLines(s.hubs),
    row('Hypervisor', s.hypervisorAvailable ? 'libvirt answers' : 'libvirt is not answering (yet)'),
    ...(s.setupCode
      ? [
          row('Setup code', `${s.setupCode.code}  (valid until ${hhmm(s.setupCode.expiresAt)})`),
          row('', 'No administrator yet: create one at the URL above'),
          row('', 'with this code, or here with [P].'),
        ]
      : []),
  ];
}

function downLines(d: Extract<ServiceView, { kind: 'down' }>, pollSeconds: number): string[] {
  return [
    '  Quantix host',
    '',
    d.why === 'absent'
      ? '  The Quantix host service is not running (or is still starting).'
      : '  The Quantix host service does not answer (it may be starting).',
    `  This screen checks again every ${pollSeconds} s. [R] restarts it, [L] shows its log.`,
    '',
    row('Hostname', d.hostname),
    ...addressLines(d.addresses),
  ];
}

const LIVE = [
  '  LIVE: running from the ISO, not installed. Changes are lost at power-off;',
  '  [I] installs Quantix host to a disk.',
];

/** The console's main screen: the banner and the menu, each line cut to the terminal's width. */
export function renderBanner(v: BannerView, width = 80): string {
  const rule = `  ${'-'.repeat(Math.max(10, Math.min(width, 80) - 4))}`;
  const lines = [
    ...(v.service.kind === 'up' ? upLines(v.service.status) : downLines(v.service, v.pollSeconds)),
    ...(v.live ? ['', ...LIVE] : []),
    rule,
    ...MENU.map((m) => `  ${m}`),
  ];
  // one column short of the width: writing the last column makes some terminals wrap
  return lines.map((l) => (l.length >= width ? l.slice(0, width - 1) : l)).join('\n');
}
