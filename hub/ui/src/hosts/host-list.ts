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
 * The list after an HTTP answer that adopted (or re-paired) `host`. The same record also comes as
 * `host:changed`, and the socket's messages may overtake the answer: one holding the same adoption
 * (its `adoptedAt`) is as new or newer — the link may already have come up — and is kept.
 */
export function applyAdopted(hosts: readonly HubHost[], host: HubHost): readonly HubHost[] {
  const there = hosts.find((h) => h.hostId === host.hostId);
  if (there && there.adoptedAt === host.adoptedAt) return hosts;
  return applyHostChange(hosts, { hostId: host.hostId, host });
}

/**
 * The list after an HTTP answer that set a host's maintenance flag: that flag only. The answer's
 * link state may be older than what `host:changed` brought meanwhile.
 */
export function applyMaintenance(hosts: readonly HubHost[], host: HubHost): readonly HubHost[] {
  const there = hosts.find((h) => h.hostId === host.hostId);
  if (!there) return applyHostChange(hosts, { hostId: host.hostId, host });
  if (there.maintenance === host.maintenance) return hosts;
  return hosts.map((h) => (h === there ? { ...h, maintenance: host.maintenance } : h));
}

/**
 * The list after one `hosts:status`: each listed host's status and lastSeenAt replaced, in place
 * (a status never moves a host in the order); hosts the list does not hold are skipped. Only a
 * connected host beats, so a listed host that beat is connected: a `host:changed` lost or
 * overtaken cannot leave a row showing another state for longer than a heartbeat.
 */
export function applyStatusBatch(hosts: readonly HubHost[], batch: HostStatusBatch): readonly HubHost[] {
  const byId = new Map(batch.hosts.map((b) => [b.hostId, b]));
  let changed = false;
  const next = hosts.map((h) => {
    const b = byId.get(h.hostId);
    if (!b) return h;
    changed = true;
    return {
      ...h,
      status: b.status,
      lastSeenAt: b.lastSeenAt ?? h.lastSeenAt,
      state: 'connected' as const,
      stateReason: null,
    };
  });
  return changed ? next : hosts;
}
