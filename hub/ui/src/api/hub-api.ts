import type { HubInfo } from '@quantix/shared';
import type { StoreApiDeps } from './api-deps.ts';

export interface HubApi {
  /** who the hub is: its id, fingerprint, version and the URL hosts reach it at */
  load(): Promise<void>;
}

export function createHubApi(deps: Omit<StoreApiDeps, 'socket' | 'store'>): HubApi {
  return { load: () => deps.loadInto('hub', () => deps.http.get<HubInfo>('/hub')) };
}
