import type { TelemetrySample } from '@quantix/shared';

/** A valid, dull telemetry sample stamped `t`, for the store and api tests. */
export function telemetrySample(t: number): TelemetrySample {
  return {
    t,
    interval: 1,
    cpu: { total: 1, user: 1, system: 0, iowait: 0, steal: 0, cores: [1] },
    load: [0, 0, 0],
    memory: { total: 10, available: 5, used: 5 },
    swap: { total: 0, used: 0 },
    disk: { readBps: 0, writeBps: 0 },
    net: { rxBps: 0, txBps: 0, interfaces: [] },
    filesystems: [],
    uptime: 1,
  };
}
