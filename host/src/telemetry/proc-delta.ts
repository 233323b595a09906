// Pure delta math: two raw readings in, one TelemetrySample out. Split from proc-parse.ts to keep
// both files small. Counters that go backwards (wraparound, a NIC re-created, a disk re-attached,
// a core's jiffies after hot-plug) count as zero for that interval — never negative.
import type { TelemetrySample } from '@quantix/shared';
import {
  type CpuJiffies,
  type CpuStat,
  countsTowardNetTotal,
  type DiskCounters,
  type NetCounters,
  type RawReading,
} from './proc-parse.ts';

type CpuPercent = TelemetrySample['cpu'];
type Busy = Omit<CpuPercent, 'cores'>;

const IDLE_BUSY: Busy = { total: 0, user: 0, system: 0, iowait: 0, steal: 0 };

/** Non-negative difference of two cumulative counters. */
export function counterDelta(prev: number, cur: number): number {
  return cur > prev ? cur - prev : 0;
}

const pct = (part: number, whole: number): number =>
  Math.min(100, Math.max(0, Math.round((part / whole) * 1000) / 10));

/** Percentages of one CPU (or the aggregate) between two readings, rounded to 0.1. */
export function cpuBusy(prev: CpuJiffies, cur: CpuJiffies): Busy {
  const user = counterDelta(prev.user, cur.user) + counterDelta(prev.nice, cur.nice);
  const system =
    counterDelta(prev.system, cur.system) +
    counterDelta(prev.irq, cur.irq) +
    counterDelta(prev.softirq, cur.softirq);
  const idle = counterDelta(prev.idle, cur.idle);
  const iowait = counterDelta(prev.iowait, cur.iowait);
  const steal = counterDelta(prev.steal, cur.steal);
  const all = user + system + idle + iowait + steal;
  if (all === 0) return { ...IDLE_BUSY };
  // iowait is idle time spent waiting on a disk: shown on its own, not counted as busy.
  return {
    total: pct(user + system + steal, all),
    user: pct(user, all),
    system: pct(system, all),
    iowait: pct(iowait, all),
    steal: pct(steal, all),
  };
}

/**
 * Aggregate and per-core busy %. `cores[n]` stays cpuN; a core missing from either reading
 * (offline, or just hot-plugged) reads 0 for this interval instead of shifting its neighbours.
 */
export function cpuPercent(prev: CpuStat, cur: CpuStat): CpuPercent {
  const count = Math.max(prev.cores.length, cur.cores.length);
  const cores: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = prev.cores[i];
    const b = cur.cores[i];
    cores.push(a && b ? cpuBusy(a, b).total : 0);
  }
  return { ...cpuBusy(prev.total, cur.total), cores };
}

const rate = (bytes: number, seconds: number): number => Math.round(bytes / seconds);

/** The entry named `name`: usually at the same index (the kernel keeps its order), else searched. */
function byName<T extends { name: string }>(list: T[], i: number, name: string): T | undefined {
  const same = list[i];
  return same?.name === name ? same : list.find((x) => x.name === name);
}

/** Per-interface rates in the current reading's order; an interface new in `cur` reads 0 once. */
export function netRates(prev: NetCounters[], cur: NetCounters[], seconds: number): TelemetrySample['net'] {
  const interfaces: TelemetrySample['net']['interfaces'] = [];
  let rxBps = 0;
  let txBps = 0;
  for (const [i, n] of cur.entries()) {
    const p = byName(prev, i, n.name);
    const rx = p ? rate(counterDelta(p.rx, n.rx), seconds) : 0;
    const tx = p ? rate(counterDelta(p.tx, n.tx), seconds) : 0;
    interfaces.push({ name: n.name, rxBps: rx, txBps: tx });
    if (countsTowardNetTotal(n.name)) {
      rxBps += rx;
      txBps += tx;
    }
  }
  return { rxBps, txBps, interfaces };
}

export function diskRates(
  prev: DiskCounters[],
  cur: DiskCounters[],
  seconds: number,
): TelemetrySample['disk'] {
  let read = 0;
  let written = 0;
  for (const [i, d] of cur.entries()) {
    const p = byName(prev, i, d.name);
    if (!p) continue;
    read += counterDelta(p.read, d.read);
    written += counterDelta(p.written, d.written);
  }
  return { readBps: rate(read, seconds), writeBps: rate(written, seconds) };
}

// Guards the division when two readings carry the same monotonic stamp (never in practice).
const MIN_INTERVAL_S = 0.001;

/** The sample for the interval between two readings, stamped `t` (epoch ms). */
export function computeSample(prev: RawReading, cur: RawReading, t: number): TelemetrySample {
  const interval = Math.max(MIN_INTERVAL_S, (cur.mono - prev.mono) / 1000);
  const m = cur.memory;
  return {
    t: Math.round(t),
    interval: Math.round(interval * 1000) / 1000,
    cpu: cpuPercent(prev.cpu, cur.cpu),
    load: cur.load.avg,
    memory: { total: m.total, available: m.available, used: Math.max(0, m.total - m.available) },
    swap: { total: m.swapTotal, used: Math.max(0, m.swapTotal - m.swapFree) },
    disk: diskRates(prev.disks, cur.disks, interval),
    net: netRates(prev.net, cur.net, interval),
    filesystems: cur.filesystems,
    uptime: cur.uptime,
  };
}
