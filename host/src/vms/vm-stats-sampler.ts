import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { DomainStats } from '../hypervisor/hypervisor.ts';
import { createVmStatsTracker, type VmLive } from './vm-stats.ts';

export interface VmStatsSampler {
  /** a viewer arrives; returns its release. Sampling runs while anyone watches. */
  watch(): () => void;
  /**
   * Keeps sampling at `intervalMs` while nobody watches (the metrics history records whether or not
   * anyone looks); watchers still get every `intervalMs` of the sampler (1 s). Returns its release.
   */
  background(intervalMs: number): () => void;
  live(name: string): VmLive | undefined;
  /** every tick while someone watches */
  onTick(fn: () => void): () => void;
  /** every bulk stats answer, with its time (epoch ms) — the history's input */
  onStats(fn: (stats: DomainStats[], t: number) => void): () => void;
  close(): void;
}

/**
 * One bulk libvirt stats call per tick for every VM at once: every second while someone looks at
 * the VM list, else at the background interval (if any); CPU% needs two samples, so the first
 * tick after a pause only primes it.
 */
export function createVmStatsSampler(deps: {
  monitor: HypervisorMonitor;
  log: Logger;
  intervalMs?: number;
  now?: () => number;
}): VmStatsSampler {
  const tracker = createVmStatsTracker();
  const listeners = new Set<() => void>();
  const statsListeners = new Set<(stats: DomainStats[], t: number) => void>();
  const now = deps.now ?? Date.now;
  let watchers = 0;
  let backgroundMs: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let closed = false;
  const interval = deps.intervalMs ?? 1000;
  const nextDelay = (): number | null => (watchers > 0 ? interval : backgroundMs);

  const arm = () => {
    const delay = nextDelay();
    if (closed || ticking || delay === null) return;
    timer = setTimeout(() => void tick(), delay);
  };

  const tick = async () => {
    timer = undefined;
    ticking = true;
    try {
      const stats = await deps.monitor.get().domainStats();
      tracker.update(stats);
      const t = now();
      for (const fn of statsListeners) {
        try {
          fn(stats, t);
        } catch (err) {
          deps.log.warn({ err }, 'VM stats listener failed');
        }
      }
      // pushes are for viewers: a background tick (the history's) goes to nobody
      if (watchers > 0) for (const fn of listeners) fn();
    } catch (err) {
      deps.log.debug({ err }, 'VM stats unavailable');
    }
    ticking = false;
    arm();
  };

  /** a change of who wants samples: re-arm at the (possibly shorter) new interval */
  const rearm = (immediately: boolean) => {
    if (closed || ticking) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (immediately) void tick();
    else arm();
  };

  return {
    watch() {
      watchers++;
      if (watchers === 1) rearm(true);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        watchers--;
        if (watchers === 0) rearm(false);
      };
    },
    background(intervalMs) {
      backgroundMs = intervalMs;
      if (!timer && !ticking) rearm(false);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        backgroundMs = null;
        if (watchers === 0) rearm(false);
      };
    },
    live: (name) => tracker.get(name),
    onTick(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onStats(fn) {
      statsListeners.add(fn);
      return () => statsListeners.delete(fn);
    },
    close() {
      closed = true;
      watchers = 0;
      backgroundMs = null;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
