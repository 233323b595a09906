import { API_BASE, createShellApi } from '@quantix/shared/ui/api/create-shell-api.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { ShellApi } from '@quantix/shared/ui/store/shell-context.ts';
import { ROUTES } from '../router/routes.ts';
import { type AppState, withoutSessionData } from '../store/app-state.ts';
import { createEnrollmentApi, type EnrollmentApi } from './enrollment-api.ts';
import { createEventsApi, type EventsApi } from './events-api.ts';
import { createHostsApi, type HostsApi } from './hosts-api.ts';
import { createHubApi, type HubApi } from './hub-api.ts';
import { createPoolsApi, type PoolsApi } from './pools-api.ts';
import type { HubSocket } from './socket-client.ts';
import { createTelemetryApi, type TelemetryApi } from './telemetry-api.ts';
import { createVmsApi, type VmsApi } from './vms-api.ts';

/** Everything components may call. The api layer is the only writer of the store. */
export interface Api extends ShellApi {
  readonly hub: HubApi;
  readonly hosts: HostsApi;
  readonly telemetry: TelemetryApi;
  readonly pools: PoolsApi;
  readonly vms: VmsApi;
  readonly enrollment: EnrollmentApi;
  readonly events: EventsApi;
}

export function createApi(deps: { store: Store<AppState>; window: Window; socket: HubSocket }): Api {
  const { store } = deps;
  const { http, socket, nav, loadInto, session, onError } = createShellApi({
    ...deps,
    routes: ROUTES,
    withoutSessionData,
    // the fleet and the pools are on (or named by) every page: read them once, then live
    onSignedIn: () => {
      void hub.load();
      void hosts.load();
      void pools.load();
    },
    peer: 'hub',
  });
  const hub = createHubApi({ http, loadInto });
  const hosts = createHostsApi({ http, socket, store, loadInto });
  const pools = createPoolsApi({
    http,
    socket,
    store,
    loadInto,
    base: API_BASE,
    makeXhr: () => new XMLHttpRequest(),
    onError,
  });
  // deltas missed while the socket was down are in no later delta: read the lists again
  socket.whileConnected((reconnect) => {
    if (!reconnect) return;
    void hosts.load();
    void pools.load();
  });

  return {
    nav,
    session,
    hub,
    hosts,
    telemetry: createTelemetryApi({ socket, store }),
    pools,
    vms: createVmsApi({ http, store, loadInto }),
    enrollment: createEnrollmentApi({ http, store, loadInto }),
    events: createEventsApi({ http, socket, store, loadInto }),
  };
}
