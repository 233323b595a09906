import type { HubVmCreateRequest, PlacementAnswer } from '@quantix/shared';
import type { StoreApiDeps } from './api-deps.ts';

export interface VmsApi {
  /** the hosts that may take a VM on these pools (`GET /placement`), eligible ones first */
  loadPlacement(pools: readonly string[]): Promise<void>;
  /** `POST /vms`: the hub creates the VM on the chosen host (it checks the placement again) */
  create(req: HubVmCreateRequest): Promise<void>;
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
  };
}
