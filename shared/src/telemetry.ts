import { z } from 'zod';

const Pct = z.number().min(0).max(100);
const NonNeg = z.number().nonnegative();

/** One host telemetry sample. Rates are per second over the interval since the previous sample. */
export const TelemetrySample = z.object({
  /** epoch milliseconds when the sample was read */
  t: z.number().int().positive(),
  /** seconds since the previous sample (normally ~1) */
  interval: z.number().positive(),
  cpu: z.object({
    total: Pct,
    user: Pct,
    system: Pct,
    iowait: Pct,
    steal: Pct,
    cores: z.array(Pct),
  }),
  load: z.tuple([NonNeg, NonNeg, NonNeg]),
  memory: z.object({ total: NonNeg, available: NonNeg, used: NonNeg }),
  swap: z.object({ total: NonNeg, used: NonNeg }),
  disk: z.object({ readBps: NonNeg, writeBps: NonNeg }),
  net: z.object({
    rxBps: NonNeg,
    txBps: NonNeg,
    interfaces: z.array(z.object({ name: z.string(), rxBps: NonNeg, txBps: NonNeg })),
  }),
  filesystems: z.array(
    z.object({ mount: z.string(), fstype: z.string(), size: NonNeg, used: NonNeg, available: NonNeg }),
  ),
  uptime: NonNeg,
});
export type TelemetrySample = z.infer<typeof TelemetrySample>;

export const MetricsHistoryQuery = z.object({
  seconds: z.coerce.number().int().min(1).max(3600).default(300),
});

export const MetricsHistory = z.object({ samples: z.array(TelemetrySample) });
export type MetricsHistory = z.infer<typeof MetricsHistory>;

/** Ring buffer length: one hour at 1 Hz. */
export const TELEMETRY_HISTORY_SECONDS = 3600;
