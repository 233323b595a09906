import { z } from 'zod';

/**
 * Metrics history (host and per VM) over long ranges. The last hour comes from memory; longer
 * ranges from the host's round-robin files (1 min for 7 days, 30 min for a year), re-binned so a
 * chart gets a few hundred points whatever the range.
 */
export const HISTORY_RANGES = ['hour', 'day', 'week', 'month', 'year'] as const;
export const HistoryRange = z.enum(HISTORY_RANGES);
export type HistoryRange = z.infer<typeof HistoryRange>;

export const HistoryQuery = z.object({ range: HistoryRange.default('hour') });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** What each range spans, in seconds. */
export const HISTORY_RANGE_SECONDS: Record<HistoryRange, number> = {
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30 * 86_400,
  year: 365 * 86_400,
};

/** Host series: CPU %, memory used and total (bytes), disk and network (bytes/s), 1-min load. */
export const HOST_HISTORY_METRICS = [
  'cpu',
  'memUsed',
  'memTotal',
  'diskRead',
  'diskWrite',
  'netRx',
  'netTx',
  'load1',
] as const;
/** VM series: CPU % of its vCPUs, memory used (bytes), disk and network of all its devices (bytes/s). */
export const VM_HISTORY_METRICS = ['cpu', 'memUsed', 'diskRead', 'diskWrite', 'netRx', 'netTx'] as const;
export type HostHistoryMetric = (typeof HOST_HISTORY_METRICS)[number];
export type VmHistoryMetric = (typeof VM_HISTORY_METRICS)[number];

/** One point: its bin's start (epoch ms), the average and the maximum of each metric (null: unknown). */
export const HistoryPoint = z.object({
  t: z.number().int(),
  avg: z.array(z.number().nullable()),
  max: z.array(z.number().nullable()),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

/**
 * The answer of both history endpoints. `metrics` names the columns of `avg` and `max`; bins with
 * no data are left out (a chart draws a gap where two points are more than `stepSeconds` apart).
 */
export const HistorySeries = z.object({
  range: HistoryRange,
  /** the width of one bin, seconds */
  stepSeconds: z.number().positive(),
  /** epoch ms: the range shown */
  from: z.number().int(),
  to: z.number().int(),
  metrics: z.array(z.string()),
  points: z.array(HistoryPoint),
});
export type HistorySeries = z.infer<typeof HistorySeries>;
