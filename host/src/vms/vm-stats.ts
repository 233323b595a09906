import type { DomainStats } from '../hypervisor/hypervisor.ts';

export interface VmLive {
  cpuPercent: number | null;
  memoryUsedMiB: number | null;
}

/**
 * Per-VM CPU% from two bulk stats samples: guest CPU time over wall time, as a share of the
 * VM's own vCPUs (100 % = every vCPU busy). Memory: what the balloon reports as used when the
 * guest tells (current − unused), else the memory currently assigned.
 */
export function createVmStatsTracker(now: () => number = () => performance.now()) {
  let previous = new Map<string, { t: number; cpu: number }>();
  let live = new Map<string, VmLive>();
  return {
    update(stats: DomainStats[]): Map<string, VmLive> {
      const t = now();
      const next = new Map<string, { t: number; cpu: number }>();
      const out = new Map<string, VmLive>();
      for (const s of stats) {
        const running = s.state === 'running' || s.state === 'blocked';
        let cpuPercent: number | null = null;
        const before = previous.get(s.name);
        if (running && s.cpuTimeNs !== null) {
          next.set(s.name, { t, cpu: s.cpuTimeNs });
          if (before && t > before.t && s.cpuTimeNs >= before.cpu) {
            const share = (s.cpuTimeNs - before.cpu) / ((t - before.t) * 1e6 * Math.max(1, s.vcpus ?? 1));
            cpuPercent = Math.min(100, Math.round(share * 1000) / 10);
          }
        }
        const cur = s.balloonCurrentKiB;
        const used = cur === null ? null : s.balloonUnusedKiB === null ? cur : cur - s.balloonUnusedKiB;
        out.set(s.name, {
          cpuPercent,
          memoryUsedMiB: running && used !== null ? Math.round(used / 1024) : null,
        });
      }
      previous = next;
      live = out;
      return out;
    },
    get(name: string): VmLive | undefined {
      return live.get(name);
    },
  };
}
