import type { HistoryRange, HistorySeries } from '@quantix/shared';
import type { StoreApiDeps } from './api-deps.ts';

export interface HistoryApi {
  /** the host's (`key` "host") or a VM's (`key` its UUID) metrics history over `range` */
  load(key: string, range: HistoryRange): Promise<void>;
}

export function createHistoryApi(deps: Pick<StoreApiDeps, 'http' | 'loadInto'>): HistoryApi {
  return {
    load: (key, range) =>
      deps.loadInto('history', async () => {
        const path =
          key === 'host'
            ? `/telemetry/history?range=${range}`
            : `/vms/${encodeURIComponent(key)}/history?range=${range}`;
        return { key, series: await deps.http.get<HistorySeries>(path) };
      }),
  };
}
