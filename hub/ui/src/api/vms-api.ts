import type { FileListing, HubVmCreateRequest, PlacementAnswer } from '@quantix/shared';
import type { IsoOption } from '@quantix/shared/ui/vm/wizard-form.ts';
import type { StoreApiDeps } from './api-deps.ts';
import { sharedPoolPath } from './pools-api.ts';

export interface VmsApi {
  /** the hosts that may take a VM on these pools (`GET /placement`), eligible ones first */
  loadPlacement(pools: readonly string[]): Promise<void>;
  /** `POST /vms`: the hub creates the VM on the chosen host (it checks the placement again) */
  create(req: HubVmCreateRequest): Promise<void>;
  /** the ISO images at the top of these pools, as `hostId` sees them (the wizard's CD-ROM choice) */
  listIsos(hostId: string, pools: readonly string[]): Promise<IsoOption[]>;
}

export function createVmsApi(deps: Omit<StoreApiDeps, 'socket'>): VmsApi {
  const { http, loadInto } = deps;
  return {
    loadPlacement(pools) {
      const key = pools.join(',');
      return loadInto('placement', async () => {
        const q = new URLSearchParams({ pools: key });
        const { candidates } = await http.get<PlacementAnswer>(`/placement?${q.toString()}`);
        return { pools: key, candidates };
      });
    },
    async create(req) {
      await http.post('/vms', req);
    },
    async listIsos(hostId, pools) {
      const lists = await Promise.all(
        pools.map(async (pool) => {
          const q = new URLSearchParams({ hostId, path: '', limit: '500' });
          const listing = await http.get<FileListing>(`${sharedPoolPath(pool)}/files?${q.toString()}`);
          return listing.entries
            .filter((e) => e.type === 'iso')
            .map((e) => ({ pool, volume: e.name, size: e.size }));
        }),
      );
      return lists.flat().sort((a, b) => a.volume.localeCompare(b.volume) || a.pool.localeCompare(b.pool));
    },
  };
}
