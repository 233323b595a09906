import type { HubClientToServerEvents, HubServerToClientEvents } from '@quantix/shared';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { routedHttp } from '@quantix/shared/ui/api/fake-http.test-helper.ts';
import { createLoader } from '@quantix/shared/ui/api/load-into.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { type AppState, initialState } from '../store/app-state.ts';

/** A hub UI store, a routed fake HTTP client and a fake socket speaking the hub's events. */
export function hubHarness(
  routes: Record<string, (body?: unknown) => unknown> = {},
  answer: (event: string, args: unknown[]) => unknown = () => null,
) {
  const store = createStore<AppState>(initialState({ path: '/', search: '' }));
  const http = routedHttp(routes);
  const socket = fakeSocketClient<HubServerToClientEvents, HubClientToServerEvents>(answer);
  return {
    store,
    http,
    socket,
    deps: { http: http.http, socket: socket.client, store, loadInto: createLoader(store) },
  };
}
