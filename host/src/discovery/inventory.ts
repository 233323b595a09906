import { DiscoveryReport } from '@quantix/shared';
import { toDiscoveryReport } from './inventory-map.ts';
import type { InventorySource } from './inventory-source.ts';

export interface Inventory {
  /** The hardware report, at most `cacheMs` old. Concurrent callers share one collection. */
  collect(): Promise<DiscoveryReport>;
}

export interface InventoryDeps {
  source: InventorySource;
  now?: () => number;
  /** default 30 s: hardware does not change between two hubs asking */
  cacheMs?: number;
}

export function createInventory(deps: InventoryDeps): Inventory {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? 30_000;
  let cached: { report: DiscoveryReport; at: number } | null = null;
  let inFlight: Promise<DiscoveryReport> | null = null;

  const run = async () => {
    const raw = await deps.source.read();
    const at = now();
    const report = DiscoveryReport.parse(toDiscoveryReport(raw, new Date(at)));
    cached = { report, at };
    return report;
  };

  return {
    collect() {
      if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.report);
      // a failed collection is not cached: the next caller tries again
      inFlight ??= run().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
