import type {
  AddHostRequest,
  HostList,
  HostPreview,
  HubHost,
  HubHostChanged,
  VmAction,
  VmSummary,
} from '@quantix/shared';
import {
  applyAdopted,
  applyHostChange,
  applyMaintenance,
  applyStatusBatch,
  sortHosts,
} from '../hosts/host-list.ts';
import type { StoreApiDeps } from './api-deps.ts';

export interface HostsApi {
  /** `GET /hosts`; `host:changed` keeps it live after that */
  load(): Promise<void>;
  /** phases 1–4 of adoption: what "Add" would adopt, nothing recorded anywhere */
  discover(req: AddHostRequest): Promise<HostPreview>;
  add(req: AddHostRequest): Promise<HubHost>;
  /** a cert-changed host, paired again with a fresh token */
  repair(hostId: string, req: AddHostRequest): Promise<HubHost>;
  setMaintenance(hostId: string, maintenance: boolean): Promise<HubHost>;
  remove(hostId: string): Promise<void>;
  loadVms(hostId: string): Promise<void>;
  vmAction(hostId: string, uuid: string, action: VmAction): Promise<void>;
}

export const hostPath = (hostId: string) => `/hosts/${encodeURIComponent(hostId)}`;

export function createHostsApi(deps: StoreApiDeps): HostsApi {
  const { http, socket, store, loadInto } = deps;
  // `host:changed` that arrive while the list loads: the snapshot may predate them, so they go on top after
  let arrivedDuringLoad: HubHostChanged[] | null = null;

  const update = (fn: (list: readonly HubHost[]) => readonly HubHost[]) =>
    store.update((s) => {
      const list = s.hosts.data;
      if (!list) return s;
      const next = fn(list);
      return next === list ? s : { ...s, hosts: { ...s.hosts, data: next } };
    });
  const apply = (change: HubHostChanged) => update((list) => applyHostChange(list, change));
  // every hub UI socket is in the `hosts` room: these come without asking
  socket.on('host:changed', (change) => {
    arrivedDuringLoad?.push(change);
    apply(change);
  });
  // the heartbeats of the last second in one message; one missed while the list loads is
  // replaced by the next within seconds
  socket.on('hosts:status', (batch) => update((list) => applyStatusBatch(list, batch)));

  async function load() {
    const arrived: HubHostChanged[] = [];
    arrivedDuringLoad = arrived;
    await loadInto('hosts', async () => sortHosts((await http.get<HostList>('/hosts')).hosts));
    if (arrivedDuringLoad === arrived) arrivedDuringLoad = null;
    // in order, on top of the snapshot: each is a whole record (or a removal), so one already in it is harmless
    for (const change of arrived) apply(change);
  }

  const loadVms = (hostId: string) =>
    loadInto('hostVms', async () => {
      const { vms } = await http.get<{ vms: VmSummary[] }>(`${hostPath(hostId)}/vms`);
      return { hostId, vms };
    });

  return {
    load,
    discover: (req) => http.post<HostPreview>('/hosts/discover', req),
    async add(req) {
      const host = await http.post<HubHost>('/hosts', req);
      update((list) => applyAdopted(list, host));
      return host;
    },
    async repair(hostId, req) {
      const host = await http.post<HubHost>(`${hostPath(hostId)}/repair`, req);
      update((list) => applyAdopted(list, host));
      return host;
    },
    async setMaintenance(hostId, maintenance) {
      const host = await http.put<HubHost>(`${hostPath(hostId)}/maintenance`, { maintenance });
      update((list) => applyMaintenance(list, host));
      return host;
    },
    async remove(hostId) {
      await http.del(hostPath(hostId));
      apply({ hostId, host: null });
    },
    loadVms,
    async vmAction(hostId, uuid, action) {
      await http.post(`${hostPath(hostId)}/vms/${encodeURIComponent(uuid)}/actions/${action}`);
      await loadVms(hostId);
    },
  };
}
