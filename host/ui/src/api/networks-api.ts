import type { HardwareReport, NetworkCreateRequest, NetworkSummary } from '@quantix/shared';
import type { StoreApiDeps } from './api-deps.ts';
import { coalesce } from '@quantix/shared/ui/api/coalesce.ts';
import { type PollDeps, poll } from '@quantix/shared/ui/api/poller.ts';

export interface NetworksApi {
  load(): Promise<void>;
  create(req: NetworkCreateRequest): Promise<void>;
  action(name: string, action: 'start' | 'stop'): Promise<void>;
  setAutostart(name: string, autostart: boolean): Promise<void>;
  remove(name: string): Promise<void>;
  /** host interfaces, disks, PCI…: the Hardware page, and the read-only parts of others */
  loadHardware(): Promise<void>;
  /**
   * The host's interfaces and addresses change without an event (DHCP, a cable, a new bridge): read
   * the inventory again every 5 s while the page is visible; returns the function that stops it.
   */
  watchInterfaces(): () => void;
}

const netPath = (name: string) => `/networks/${encodeURIComponent(name)}`;
const INTERFACES_POLL_MS = 5000;

export function createNetworksApi(deps: StoreApiDeps & PollDeps): NetworksApi {
  const { http, loadInto, store } = deps;
  const load = () =>
    loadInto('networks', async () => (await http.get<{ networks: NetworkSummary[] }>('/networks')).networks);
  const loadHardware = () => loadInto('hardware', () => http.get<HardwareReport>('/host/hardware'));

  // a network changed anywhere (virsh too): a list this session has read is read again, once per burst
  const reload = coalesce(load);
  deps.socket.on('network:changed', () => {
    const s = store.get().networks;
    if (s.data !== null || s.loading) void reload();
  });

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
    loadHardware,
    watchInterfaces() {
      const poller = poll({
        run: loadHardware,
        intervalMs: INTERFACES_POLL_MS,
        timers: deps.timers,
        visibility: deps.visibility,
        // the page reads the inventory as it opens
        startNow: false,
      });
      return () => poller.stop();
    },
  };
}
