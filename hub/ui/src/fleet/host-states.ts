import type { HostLinkState, HubHost } from '@quantix/shared';

export const STATE_LABEL = {
  connected: 'Connected',
  'not-responding': 'Not responding',
  disconnected: 'Disconnected',
  'cert-changed': 'Certificate changed',
  pending: 'Pending',
} satisfies Record<HostLinkState, string>;

export const STATE_BADGE = {
  connected: 'badge-ok',
  'not-responding': 'badge-error',
  disconnected: 'badge-warning',
  'cert-changed': 'badge-error',
  pending: 'badge-info',
} satisfies Record<HostLinkState, string>;

/** The table's order of states (the filter's too): trouble first after the healthy. */
export const STATE_ORDER: readonly HostLinkState[] = [
  'connected',
  'not-responding',
  'cert-changed',
  'disconnected',
  'pending',
];

/** What the fleet filter may ask for: a link state, or the hosts in maintenance. */
export type HostFilter = HostLinkState | 'maintenance' | '';

export function parseHostFilter(value: string | null): HostFilter {
  if (value === 'maintenance') return value;
  return STATE_ORDER.find((s) => s === value) ?? '';
}

export function filterHosts(hosts: readonly HubHost[], filter: HostFilter): readonly HubHost[] {
  if (filter === '') return hosts;
  if (filter === 'maintenance') return hosts.filter((h) => h.maintenance);
  return hosts.filter((h) => h.state === filter);
}
