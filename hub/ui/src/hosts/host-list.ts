import type { HostStatusBatch, HubHost, HubHostChanged } from '@quantix/shared';

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

/**
 * The list after one `hosts:status`: each listed host's status and lastSeenAt replaced, in place
 * (a status never moves a host in the order); hosts the list does not hold are skipped.
 */
export function applyStatusBatch(hosts: readonly HubHost[], batch: HostStatusBatch): readonly HubHost[] {
  const byId = new Map(batch.hosts.map((b) => [b.hostId, b]));
  let changed = false;
  const next = hosts.map((h) => {
    const b = byId.get(h.hostId);
    if (!b) return h;
    changed = true;
    return { ...h, status: b.status, lastSeenAt: b.lastSeenAt ?? h.lastSeenAt };
  });
  return changed ? next : hosts;
}
