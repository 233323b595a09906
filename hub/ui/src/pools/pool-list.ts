import type { AssignmentState, HubHost, PoolAssignment, SharedPool } from '@quantix/shared';

export const poolName = (p: SharedPool) => p.definition.name;

export function sortPools(pools: readonly SharedPool[]): readonly SharedPool[] {
  return [...pools].sort((a, b) => poolName(a).localeCompare(poolName(b)));
}

/** The list after one `pool:changed`: the pool replaced or added (in order), or removed (null). */
export function applyPoolChange(
  pools: readonly SharedPool[],
  change: { readonly name: string; readonly pool: SharedPool | null },
): readonly SharedPool[] {
  const rest = pools.filter((p) => poolName(p) !== change.name);
  if (change.pool === null) return rest.length === pools.length ? pools : rest;
  return sortPools([...rest, change.pool]);
}

export const ASSIGNMENT_LABEL = {
  active: 'Active',
  inactive: 'Inactive',
  error: 'Error',
  pending: 'Pending',
  removing: 'Removing',
} satisfies Record<AssignmentState, string>;

export const ASSIGNMENT_BADGE = {
  active: 'badge-ok',
  inactive: 'badge-warning',
  error: 'badge-error',
  pending: 'badge-info',
  removing: 'badge-info',
} satisfies Record<AssignmentState, string>;

/** One row of the pool × host matrix: a host of the fleet and where the pool stands on it. */
export interface PoolHostRow {
  readonly hostId: string;
  readonly hostname: string;
  /** the host's link is up: only then can the hub assign or unassign */
  readonly connected: boolean;
  /** null: not assigned to this host */
  readonly assignment: PoolAssignment | null;
}

/**
 * Every host of the fleet with the pool's assignment on it: assigned ones first, then by name.
 * An assignment to a host the fleet no longer lists still shows (by id), so nothing is hidden.
 */
export function poolHostRows(pool: SharedPool, hosts: readonly HubHost[]): PoolHostRow[] {
  const byHost = new Map(pool.assignments.map((a) => [a.hostId, a]));
  const rows: PoolHostRow[] = hosts.map((h) => ({
    hostId: h.hostId,
    hostname: h.hostname,
    connected: h.state === 'connected',
    assignment: byHost.get(h.hostId) ?? null,
  }));
  const known = new Set(hosts.map((h) => h.hostId));
  for (const a of pool.assignments) {
    if (!known.has(a.hostId))
      rows.push({ hostId: a.hostId, hostname: a.hostId, connected: false, assignment: a });
  }
  return rows.sort(
    (a, b) =>
      Number(b.assignment !== null) - Number(a.assignment !== null) || a.hostname.localeCompare(b.hostname),
  );
}

/** The hosts whose view of the pool the Files tab may show: connected, and the pool active on them. */
export function fileHosts(pool: SharedPool, hosts: readonly HubHost[]): HubHost[] {
  const active = new Set(pool.assignments.filter((a) => a.state === 'active').map((a) => a.hostId));
  return hosts.filter((h) => h.state === 'connected' && active.has(h.hostId));
}

/** `nfs-host:/export → /mnt/path (vers=4.2)`, or the directory, in words. */
export function describeDefinition(pool: SharedPool): string {
  const d = pool.definition;
  if (d.type === 'dir') return `Directory ${d.path}`;
  return `NFS ${d.host}:${d.exportPath} → ${d.path}${d.options ? ` (${d.options})` : ''}`;
}
