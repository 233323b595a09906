import type { PoolSummary } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../../hypervisor/hypervisor-monitor.ts';
import { STALE_UPLOAD_MS, sweepStaleUploadsInPools } from './upload.ts';

/**
 * Removes the `.upload-*.part` files a killed host left in its pools (they would show up as volumes
 * forever): whenever libvirt becomes reachable — at start and after it comes back — and then every
 * STALE_UPLOAD_MS, which also catches leftovers that were too young to judge at start.
 * Returns stop.
 */
export function scheduleUploadSweeps(deps: {
  monitor: HypervisorMonitor;
  listPools: () => Promise<PoolSummary[]>;
  log: Logger;
  everyMs?: number;
  olderThanMs?: number;
}): () => void {
  const every = deps.everyMs ?? STALE_UPLOAD_MS;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;

  const sweep = async () => {
    if (running || stopped || !deps.monitor.status().available) return;
    running = true;
    try {
      const pools = await deps.listPools();
      const r = await sweepStaleUploadsInPools(pools, deps.olderThanMs ?? STALE_UPLOAD_MS);
      if (r.removed) deps.log.info({ removed: r.removed }, 'removed leftover upload files from pools');
      for (const f of r.failed) deps.log.warn(f, 'could not sweep leftover uploads in a pool');
    } catch (err) {
      deps.log.warn({ err }, 'could not list pools to sweep leftover uploads');
    } finally {
      running = false;
    }
  };
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => void sweep().then(arm), every);
    timer.unref();
  };

  const stopWatching = deps.monitor.onChange((s) => {
    if (s.available) void sweep();
  });
  void sweep();
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
    stopWatching();
  };
}
