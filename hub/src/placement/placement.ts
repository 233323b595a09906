import {
  AppError,
  type ErrorCode,
  type HostLinkState,
  type HostStatus,
  type PlacementCandidate,
  type PlacementRefusal,
  type SharedPool,
  type VmCreateRequest,
} from '@quantix/shared';

/** What placement needs to know of one host: its record's name and flag, and its live link. */
export interface PlacementHost {
  hostId: string;
  hostname: string;
  maintenance: boolean;
  state: HostLinkState;
  status: HostStatus | null;
}

const NOT_CONNECTED: Record<Exclude<HostLinkState, 'connected'>, string> = {
  pending: 'has not connected to the hub yet',
  'not-responding': 'is not responding',
  disconnected: 'is disconnected (it revoked this hub)',
  'cert-changed': 'presents another certificate; re-pair it first',
};

/** The pools a new VM uses: those of its disks and of its CD-ROM, each once. */
export function poolsOfVm(vm: VmCreateRequest): string[] {
  return [...new Set([...vm.disks.map((d) => d.pool), ...(vm.cdrom ? [vm.cdrom.pool] : [])])];
}

/**
 * Which hosts may take a new VM that uses `chosen` pools, and why the others may not. A host is
 * eligible iff its link is up, it is not in maintenance, and every chosen pool is assigned to it
 * and active there (the assignment is `active`, and the host's last status does not report the
 * pool stopped). Eligible hosts come first, then by most free memory (total − used, as the
 * host last reported), then by name. Pure: the API's answer and the check before a create are
 * this one function.
 */
export function placeVm(
  hosts: readonly PlacementHost[],
  pools: readonly SharedPool[],
  chosen: readonly string[],
): PlacementCandidate[] {
  const wanted = [...new Set(chosen)];
  const byName = new Map(pools.map((p) => [p.definition.name, p]));
  const candidates: PlacementCandidate[] = hosts.map((h) => {
    const refusals: PlacementCandidate['refusals'] = [];
    const refuse = (reason: PlacementRefusal, message: string) => refusals.push({ reason, message });
    if (h.state !== 'connected') refuse('not-connected', `${h.hostname} ${NOT_CONNECTED[h.state]}`);
    if (h.maintenance) refuse('maintenance', `${h.hostname} is in maintenance mode: it takes no new VMs`);
    for (const name of wanted) {
      const pool = byName.get(name);
      const a = pool?.assignments.find((x) => x.hostId === h.hostId);
      if (!pool) refuse('pool-not-assigned', `"${name}" is not a shared pool of this hub`);
      else if (!a) refuse('pool-not-assigned', `shared pool "${name}" is not assigned to ${h.hostname}`);
      else if (a.state !== 'active') {
        refuse(
          'pool-not-active',
          `shared pool "${name}" is ${a.state} on ${h.hostname}${a.message ? `: ${a.message}` : ''}`,
        );
      } else {
        // applied once, but libvirt may have lost it since (an NFS server gone): the host's last
        // status is the fresher word when it names the pool
        const live = h.status?.pools.find((p) => p.name === name);
        if (live && live.state !== 'running') {
          refuse(
            'pool-not-active',
            `shared pool "${name}" is ${live.state} on ${h.hostname} (as it last reported)`,
          );
        }
      }
    }
    const free = h.status ? Math.max(0, h.status.memoryTotalBytes - h.status.memoryUsedBytes) : 0;
    return { hostId: h.hostId, hostname: h.hostname, freeMemoryBytes: free, refusals };
  });
  return candidates.sort(
    (a, b) =>
      Number(a.refusals.length > 0) - Number(b.refusals.length > 0) ||
      b.freeMemoryBytes - a.freeMemoryBytes ||
      a.hostname.localeCompare(b.hostname) ||
      a.hostId.localeCompare(b.hostId),
  );
}

const CODE: Record<PlacementRefusal, ErrorCode> = {
  'not-connected': 'HOST_NOT_CONNECTED',
  maintenance: 'HOST_IN_MAINTENANCE',
  'pool-not-assigned': 'POOL_NOT_ON_HOST',
  'pool-not-active': 'POOL_NOT_ON_HOST',
};

/** The API error for a candidate's first refusal; null when the host may take the VM. */
export function refusalError(candidate: PlacementCandidate): AppError | null {
  const first = candidate.refusals[0];
  return first ? new AppError(CODE[first.reason], first.message) : null;
}
