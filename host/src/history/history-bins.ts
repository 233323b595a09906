// Which archive answers which range, and the re-binning that gives a chart a few hundred points
// whatever the range: averages weighted by how many samples each slot holds, maxima of maxima.
import { HISTORY_RANGE_SECONDS, type HistoryPoint, type HistoryRange } from '@quantix/shared';
import type { RrdSpec } from './rrd-file.ts';
import { accumulate, newAccumulator, type Slot, slotOf } from './rrd-slot.ts';

/** Archive 0: 1 min × 7 days; archive 1: 30 min × 366 days. */
export const ARCHIVES = [
  { step: 60, rows: 7 * 1440 },
  { step: 1800, rows: 366 * 48 },
] as const;

export const specOf = (metrics: readonly string[]): RrdSpec => ({ metrics, archives: ARCHIVES });

/** For each range longer than an hour: the archive read and the bin width of the answer. */
export const RANGE_PLAN: Record<Exclude<HistoryRange, 'hour'>, { archive: number; binSec: number }> = {
  day: { archive: 0, binSec: 120 }, // 720 points
  week: { archive: 0, binSec: 900 }, // 672
  month: { archive: 1, binSec: 3600 }, // 720
  year: { archive: 1, binSec: 12 * 3600 }, // 730
};

export const rangeSeconds = (range: HistoryRange): number => HISTORY_RANGE_SECONDS[range];

/** Consolidates slots (oldest first) into bins of `binSec`; empty bins are left out. */
export function rebin(slots: readonly Slot[], binSec: number): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  let acc: ReturnType<typeof newAccumulator> | null = null;
  const push = () => {
    if (acc && acc.n > 0) out.push(pointOf(slotOf(acc)));
  };
  for (const s of slots) {
    const bin = Math.floor(s.start / binSec) * binSec;
    if (!acc || acc.start !== bin) {
      push();
      acc = newAccumulator(bin, s.avg.length);
    }
    accumulate(acc, s.avg, s.max, s.n);
  }
  push();
  return out;
}

const orNull = (x: number | undefined): number | null =>
  x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000;

export function pointOf(s: Slot): HistoryPoint {
  return { t: s.start * 1000, avg: Array.from(s.avg, orNull), max: Array.from(s.max, orNull) };
}
