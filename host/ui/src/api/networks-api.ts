import type { HardwareReport, NetworkCreateRequest, NetworkSummary } from '@quantix/shared';
import type { HttpClient } from './http-client.ts';
import type { LoadInto } from './load-into.ts';

export interface NetworksApi {
  load(): Promise<void>;
  create(req: NetworkCreateRequest): Promise<void>;
  action(name: string, action: 'start' | 'stop'): Promise<void>;
  setAutostart(name: string, autostart: boolean): Promise<void>;
  remove(name: string): Promise<void>;
  /** host interfaces, disks, PCI…: the Hardware page, and the read-only parts of others */
  loadHardware(): Promise<void>;
}

const netPath = (name: string) => `/networks/${encodeURIComponent(name)}`;

export function createNetworksApi(deps: { http: HttpClient; loadInto: LoadInto }): NetworksApi {
  const { http, loadInto } = deps;
  const load = () =>
    loadInto('networks', async () => (await http.get<{ networks: NetworkSummary[] }>('/networks')).networks);
  return {
    load,
    async create(req) {
      await http.post('/networks', req);
      await load();
    },
    async action(name, action) {
      await http.post(`${netPath(name)}/${action}`);
      await load();
    },
    async setAutostart(name, autostart) {
      await http.put(`${netPath(name)}/autostart`, { autostart });
      await load();
    },
    async remove(name) {
      await http.del(netPath(name));
      await load();
    },
    loadHardware: () => loadInto('hardware', () => http.get<HardwareReport>('/host/hardware')),
  };
}
