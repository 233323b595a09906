import type { HubHost, HubHostChanged } from '@quantix/shared';

/** The fleet in the order the table shows it: by hostname, then id. */
export function sortHosts(hosts: readonly HubHost[]): readonly HubHost[] {
  return [...hosts].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.hostId.localeCompare(b.hostId));
}

/** The list after one `host:changed`: the record replaced or added (in order), or removed (null). */
export function applyHostChange(hosts: readonly HubHost[], change: HubHostChanged): readonly HubHost[] {
  const rest = hosts.filter((h) => h.hostId !== change.hostId);
  if (change.host === null) return rest.length === hosts.length ? hosts : rest;
  return sortHosts([...rest, change.host]);
}
