import type { PoolCreateRequest, PoolSummary, VolumeCreateRequest, VolumeSummary } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';
import { toErrorInfo } from './api-error.ts';
import type { HttpClient } from './http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { TasksApi } from './tasks-api.ts';

export interface StorageApi {
  loadPools(): Promise<void>;
  createPool(req: PoolCreateRequest, taskId: string): Promise<PoolSummary>;
  poolAction(pool: string, action: 'start' | 'stop'): Promise<void>;
  setPoolAutostart(pool: string, autostart: boolean): Promise<void>;
  deletePool(pool: string): Promise<void>;
  loadVolumes(pool: string): Promise<void>;
  createVolume(pool: string, req: VolumeCreateRequest): Promise<void>;
  deleteVolume(pool: string, volume: string): Promise<void>;
  resizeVolume(pool: string, volume: string, sizeGiB: number): Promise<void>;
}

export const poolPath = (pool: string) => `/storage/pools/${encodeURIComponent(pool)}`;

export function createStorageApi(deps: {
  http: HttpClient;
  store: Store<AppState>;
  loadInto: LoadInto;
  tasks: TasksApi;
}): StorageApi {
  const { http, store, loadInto } = deps;
  const latest = new Map<string, number>();
  let seq = 0;

  const loadPools = () =>
    loadInto('pools', async () => (await http.get<{ pools: PoolSummary[] }>('/storage/pools')).pools);

  /** Like loadInto, per pool: old data stays while reloading; an overtaken answer is dropped. */
  async function loadVolumes(pool: string) {
    const mine = ++seq;
    latest.set(pool, mine);
    const patch = (change: Partial<AppState['volumes'][string]>) =>
      store.update((s) => {
        const prev = s.volumes[pool] ?? { data: null, loading: false, error: null };
        return { ...s, volumes: { ...s.volumes, [pool]: { ...prev, ...change } } };
      });
    patch({ loading: true, error: null });
    try {
      const { volumes } = await http.get<{ volumes: VolumeSummary[] }>(`${poolPath(pool)}/volumes`);
      if (latest.get(pool) === mine) patch({ data: volumes, loading: false });
    } catch (err) {
      if (latest.get(pool) === mine) patch({ loading: false, error: toErrorInfo(err) });
    }
  }

  /** After a change to a pool's volumes, its usage changed too. */
  const afterVolumeChange = (pool: string) => Promise.all([loadVolumes(pool), loadPools()]).then(() => {});

  return {
    loadPools,
    async createPool(req, taskId) {
      const pool = await deps.tasks.run(taskId, (headers) =>
        http.post<PoolSummary>('/storage/pools', req, { headers }),
      );
      await loadPools();
      return pool;
    },
    async poolAction(pool, action) {
      await http.post(`${poolPath(pool)}/${action}`);
      await loadPools();
    },
    async setPoolAutostart(pool, autostart) {
      await http.put(`${poolPath(pool)}/autostart`, { autostart });
      await loadPools();
    },
    async deletePool(pool) {
      await http.del(poolPath(pool));
      await loadPools();
    },
    loadVolumes,
    async createVolume(pool, req) {
      await http.post(`${poolPath(pool)}/volumes`, req);
      await afterVolumeChange(pool);
    },
    async deleteVolume(pool, volume) {
      await http.del(`${poolPath(pool)}/volumes/${encodeURIComponent(volume)}`);
      await afterVolumeChange(pool);
    },
    async resizeVolume(pool, volume, sizeGiB) {
      await http.post(`${poolPath(pool)}/volumes/${encodeURIComponent(volume)}/resize`, { sizeGiB });
      await afterVolumeChange(pool);
    },
  };
}
