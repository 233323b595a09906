import type { HubSummary, MintedToken, TokenStatus } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { SocketClient } from './socket-client.ts';

export interface RegistrationApi {
  /** loads token and hubs, and again after a reconnect; returns the function that stops it */
  watch(): () => void;
  reload(): Promise<void>;
  mint(): Promise<MintedToken>;
  revoke(hubId: string): Promise<void>;
}

export function createRegistrationApi(deps: {
  http: HttpClient;
  socket: SocketClient;
  store: Store<AppState>;
  loadInto: LoadInto;
}): RegistrationApi {
  const { http, store, loadInto } = deps;

  async function reload() {
    await Promise.all([
      loadInto('token', async () => (await http.get<TokenStatus>('/registration/tokens/current')).current),
      loadInto('hubs', async () => (await http.get<{ hubs: HubSummary[] }>('/registration/hubs')).hubs),
    ]);
  }

  return {
    watch() {
      void reload();
      return deps.socket.whileConnected((reconnect) => {
        if (reconnect) void reload();
      });
    },
    reload,
    async mint() {
      const minted = await http.post<MintedToken>('/registration/tokens');
      loadInto.put('token', minted);
      return minted;
    },
    async revoke(hubId) {
      await http.del(`/registration/hubs/${encodeURIComponent(hubId)}`);
      store.update((s) => ({
        ...s,
        hubs: { ...s.hubs, data: (s.hubs.data ?? []).filter((h) => h.hubId !== hubId) },
      }));
    },
  };
}
