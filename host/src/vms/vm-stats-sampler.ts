import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { createVmStatsTracker, type VmLive } from './vm-stats.ts';

export interface VmStatsSampler {
  /** a viewer arrives; returns its release. Sampling runs while anyone watches. */
  watch(): () => void;
  live(name: string): VmLive | undefined;
  onTick(fn: () => void): () => void;
  close(): void;
}

/**
 * One bulk libvirt stats call per tick for every VM at once, only while someone looks at the VM
 * list; CPU% needs two samples, so the first tick after a pause only primes it.
 */
export function createVmStatsSampler(deps: {
  monitor: HypervisorMonitor;
  log: Logger;
  intervalMs?: number;
}): VmStatsSampler {
  const tracker = createVmStatsTracker();
  const listeners = new Set<() => void>();
  let watchers = 0;
  let timer: NodeJS.Timeout | undefined;
  const interval = deps.intervalMs ?? 1000;

  const tick = async () => {
    timer = undefined;
    try {
      const stats = await deps.monitor.get().domainStats();
      tracker.update(stats);
      for (const fn of listeners) fn();
    } catch (err) {
      deps.log.debug({ err }, 'VM stats unavailable');
    }
    if (watchers > 0) timer = setTimeout(() => void tick(), interval);
  };

  return {
    watch() {
      watchers++;
      if (watchers === 1 && !timer) void tick();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        watchers--;
        if (watchers === 0 && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    live: (name) => tracker.get(name),
    onTick(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      watchers = 0;
      clearTimeout(timer);
    },
  };
}
