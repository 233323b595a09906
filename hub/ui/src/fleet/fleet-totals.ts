import type { HostLinkState, HubHost } from '@quantix/shared';

export interface FleetTotals {
  readonly hosts: number;
  readonly byState: Readonly<Record<HostLinkState, number>>;
  readonly maintenance: number;
  /** over the connected hosts that report status */
  readonly cpu: { readonly usedCores: number; readonly cores: number };
  readonly memory: { readonly used: number; readonly total: number };
  readonly storage: { readonly used: number; readonly total: number };
  readonly vms: { readonly running: number; readonly total: number };
}

/**
 * The fleet's figures from each host's last status. Only connected hosts count towards use: a
 * host that stopped answering reports nothing current. A shared pool (same storage on every host
 * it is assigned to) counts once, whichever host reports it; a host's own pools count per host.
 */
export function fleetTotals(hosts: readonly HubHost[], sharedPoolNames: ReadonlySet<string>): FleetTotals {
  const byState: Record<HostLinkState, number> = {
    connected: 0,
    'not-responding': 0,
    disconnected: 0,
    'cert-changed': 0,
    pending: 0,
  };
  let maintenance = 0;
  const cpu = { usedCores: 0, cores: 0 };
  const memory = { used: 0, total: 0 };
  const storage = { used: 0, total: 0 };
  const vms = { running: 0, total: 0 };
  const sharedSeen = new Set<string>();
  for (const h of hosts) {
    byState[h.state]++;
    if (h.maintenance) maintenance++;
    const s = h.status;
    if (h.state !== 'connected' || !s) continue;
    cpu.cores += s.cpuCount;
    cpu.usedCores += ((s.cpuPercent ?? 0) / 100) * s.cpuCount;
    memory.total += s.memoryTotalBytes;
    memory.used += s.memoryUsedBytes;
    vms.running += s.vms.running;
    vms.total += s.vms.total;
    for (const p of s.pools) {
      if (sharedPoolNames.has(p.name)) {
        if (sharedSeen.has(p.name)) continue;
        sharedSeen.add(p.name);
      }
      storage.total += p.capacity;
      storage.used += Math.max(0, p.capacity - p.available);
    }
  }
  return { hosts: hosts.length, byState, maintenance, cpu, memory, storage, vms };
}
