// Per-VM history values from two bulk stats answers: CPU % of the VM's own vCPUs, memory used
// (bytes) and disk/network rates (bytes/s) from libvirt's cumulative counters. Pure: the caller
// passes the times.
import type { DomainStats } from '../hypervisor/hypervisor.ts';

interface Counters {
  t: number;
  cpu: number | null;
  rd: number | null;
  wr: number | null;
  rx: number | null;
  tx: number | null;
}

export function createVmRates() {
  let previous = new Map<string, Counters>();
  return {
    /**
     * `t` epoch ms; the values of running VMs by name, in the order of VM_HISTORY_METRICS (a VM's
     * first answer has no rates yet)
     */
    update(stats: readonly DomainStats[], t: number): Map<string, (number | null)[]> {
      const next = new Map<string, Counters>();
      const out = new Map<string, (number | null)[]>();
      for (const s of stats) {
        if (s.state !== 'running' && s.state !== 'blocked') continue;
        const cur: Counters = {
          t,
          cpu: s.cpuTimeNs,
          rd: s.blockReadBytes ?? null,
          wr: s.blockWriteBytes ?? null,
          rx: s.netRxBytes ?? null,
          tx: s.netTxBytes ?? null,
        };
        next.set(s.name, cur);
        const before = previous.get(s.name);
        const dt = before ? (t - before.t) / 1000 : 0;
        const rate = (a: number | null | undefined, b: number | null) =>
          dt > 0 && a !== null && a !== undefined && b !== null && b >= a ? (b - a) / dt : null;
        const cpuShare = rate(before?.cpu, cur.cpu);
        const balloon = s.balloonCurrentKiB;
        const usedKiB =
          balloon === null ? null : s.balloonUnusedKiB === null ? balloon : balloon - s.balloonUnusedKiB;
        out.set(s.name, [
          cpuShare === null ? null : Math.min(100, (cpuShare / 1e9 / Math.max(1, s.vcpus ?? 1)) * 100),
          usedKiB === null ? null : usedKiB * 1024,
          rate(before?.rd, cur.rd),
          rate(before?.wr, cur.wr),
          rate(before?.rx, cur.rx),
          rate(before?.tx, cur.tx),
        ]);
      }
      previous = next;
      return out;
    },
  };
}
