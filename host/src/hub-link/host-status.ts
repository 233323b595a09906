import type { HostPoolStatus, HostStatus, PoolSummary, VmSummary } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { cpuBusy } from '../telemetry/proc-delta.ts';
import type { RawReading } from '../telemetry/proc-parse.ts';
import type { ProcReader } from '../telemetry/proc-reader.ts';

const POOLS_REFRESH_MS = 30_000;
const MAX_POOLS = 256;
/** the shortest interval a CPU figure is measured over */
const MIN_CPU_INTERVAL_MS = 1000;

export interface HostStatusSource {
  /** the status now: CPU over the time since the previous call, the rest as it is */
  build(): HostStatus;
  /**
   * Re-reads the pools in the background (a pool changed). A call while a read is under way is
   * not lost: the pools are read once more after it. Resolves once a read that began after this
   * call has finished (never rejects).
   */
  refreshPools(): Promise<void>;
}

/**
 * The host's summary for its hubs, built from what the host already keeps: /proc (one read, no
 * sampler needed), the VM inventory in memory, the hypervisor's status, and the pools — read in
 * the background on a pool event and every 30 s, so a slow libvirt never delays a heartbeat.
 */
export function createHostStatusSource(deps: {
  hostname: string;
  version: string;
  reader: Pick<ProcReader, 'read'>;
  vms: () => VmSummary[];
  listPools: () => Promise<PoolSummary[]>;
  hypervisor: Pick<HypervisorMonitor, 'status'>;
  log: Logger;
  now?: () => number;
}): HostStatusSource {
  const now = deps.now ?? Date.now;
  let prev: RawReading | null = null;
  let prevAt = Number.NEGATIVE_INFINITY;
  let cpu: number | null = null;
  let pools: HostPoolStatus[] = [];
  let poolsAt = Number.NEGATIVE_INFINITY;
  /** the reads under way, if any; `again` when a change came in after the current read began */
  let reading: Promise<void> | null = null;
  let again = false;

  const readPools = async () => {
    try {
      const list = await deps.listPools();
      pools = list
        .slice(0, MAX_POOLS)
        .map((p) => ({ name: p.name, state: p.state, capacity: p.capacity, available: p.available }));
    } catch (err) {
      deps.log.debug({ err }, 'could not read the pools for the hub status');
    }
  };

  const refreshPools = (): Promise<void> => {
    if (!deps.hypervisor.status().available) return Promise.resolve();
    poolsAt = now();
    // A pool applied by a hub is defined, then started: two events, the second while the first
    // is being read. Dropping it left the pool "inactive" in every status until the next 30 s
    // refresh, and the hub refused to place VMs on it meanwhile.
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          await readPools();
        } while (again);
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const read = (): RawReading | null => {
    try {
      return deps.reader.read();
    } catch (err) {
      deps.log.debug({ err }, 'could not read /proc for the hub status');
      return null;
    }
  };

  return {
    build() {
      if (now() - poolsAt >= POOLS_REFRESH_MS) void refreshPools();
      const cur = read();
      // A status built between heartbeats (after a pool change, or for a second hub) keeps the
      // last CPU figure: a few milliseconds of jiffies would read as 0 % or 100 %.
      if (cur && (!prev || now() - prevAt >= MIN_CPU_INTERVAL_MS)) {
        cpu = prev ? cpuBusy(prev.cpu.total, cur.cpu.total).total : null;
        prev = cur;
        prevAt = now();
      }
      const cpuPercent = cur ? cpu : null;
      const memory = cur?.memory;
      const vms = deps.vms();
      return {
        at: new Date(now()).toISOString(),
        hostname: deps.hostname,
        version: deps.version,
        hypervisorAvailable: deps.hypervisor.status().available,
        cpuPercent,
        cpuCount: cur ? cur.cpu.cores.length : 0,
        memoryTotalBytes: memory?.total ?? 0,
        memoryUsedBytes: memory ? Math.max(0, memory.total - memory.available) : 0,
        vms: { total: vms.length, running: vms.filter((v) => v.state === 'running').length },
        pools: deps.hypervisor.status().available ? pools : [],
      };
    },
    refreshPools,
  };
}
