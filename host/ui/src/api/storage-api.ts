import type {
  ObjectChanged,
  PoolCreateRequest,
  PoolSummary,
  VolumeCreateRequest,
  VolumeList,
} from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { StoreApiDeps } from './api-deps.ts';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { coalesce } from '@quantix/shared/ui/api/coalesce.ts';
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

/** After these a pool has no volumes to list (gone, or stopped: the pool page says "start it"). */
const NO_VOLUMES: ReadonlySet<ObjectChanged['event']> = new Set(['undefined', 'deleted', 'stopped']);

export function createStorageApi(deps: StoreApiDeps & { tasks: TasksApi }): StorageApi {
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
      const { volumes, skipped } = await http.get<VolumeList>(`${poolPath(pool)}/volumes`);
      if (latest.get(pool) !== mine) return;
      store.update((s) => ({
        ...s,
        volumes: { ...s.volumes, [pool]: { data: volumes, loading: false, error: null } },
        volumesSkipped: { ...s.volumesSkipped, [pool]: skipped },
      }));
    } catch (err) {
      if (latest.get(pool) === mine) patch({ loading: false, error: toErrorInfo(err) });
    }
  }

  /** After a change to a pool's volumes, its usage changed too. */
  const afterVolumeChange = (pool: string) => Promise.all([loadVolumes(pool), loadPools()]).then(() => {});

  // A pool changed anywhere (this UI, virsh, another tool): what this session has read of it is
  // read again, once per burst of events. Lists never read stay unread.
  const reloadPools = coalesce(loadPools);
  const reloadVolumes = new Map<string, () => Promise<void>>();
  deps.socket.on('pool:changed', (c) => {
    const s = store.get();
    if (s.pools.data !== null || s.pools.loading) void reloadPools();
    if (c.name === null || !s.volumes[c.name] || NO_VOLUMES.has(c.event)) return;
    const name = c.name;
    let reload = reloadVolumes.get(name);
    if (!reload) {
      reload = coalesce(() => loadVolumes(name));
      reloadVolumes.set(name, reload);
    }
    void reload();
  });

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
