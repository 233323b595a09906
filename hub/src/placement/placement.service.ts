import type { PlacementCandidate } from '@quantix/shared';
import type { HostLinks } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import { placeVm } from './placement.ts';

export interface PlacementService {
  /** every host of the hub, as placeVm orders and judges them for a VM using these pools */
  candidates(pools: readonly string[]): Promise<PlacementCandidate[]>;
}

/** Feeds placeVm with the stored hosts and pools and what the links know right now. */
export function createPlacementService(deps: {
  store: Pick<HubStore, 'listHosts' | 'listPools'>;
  links: Pick<HostLinks, 'live'>;
}): PlacementService {
  return {
    async candidates(pools) {
      const [hosts, shared] = await Promise.all([deps.store.listHosts(), deps.store.listPools()]);
      const input = hosts.map((h) => {
        const live = deps.links.live(h.hostId);
        return {
          hostId: h.hostId,
          hostname: h.hostname,
          maintenance: h.maintenance,
          state: live.state,
          status: live.status,
        };
      });
      return placeVm(input, shared, pools);
    },
  };
}
