import type { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { createDataDiskApi, type DataDiskApi } from '@quantix/shared/ui/api/data-disk-api.ts';
import { createHttpClient } from '@quantix/shared/ui/api/http-client.ts';
import { createLoader } from '@quantix/shared/ui/api/load-into.ts';
import { createNavigation, type Navigation } from '@quantix/shared/ui/api/navigation.ts';
import { createSessionApi, type SessionApi } from '@quantix/shared/ui/api/session-api.ts';
import { createSocketClient } from '@quantix/shared/ui/api/socket-client.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import { ROUTES } from '../router/routes.ts';
import { type AppState, withoutSessionData } from '../store/app-state.ts';
import { createEnrollmentApi, type EnrollmentApi } from './enrollment-api.ts';
import { createEventsApi, type EventsApi } from './events-api.ts';
import { createHostsApi, type HostsApi } from './hosts-api.ts';
import { createHubApi, type HubApi } from './hub-api.ts';
import { createPoolsApi, type PoolsApi } from './pools-api.ts';
import type { HubSocket, SocketClient } from './socket-client.ts';
import { createTelemetryApi, type TelemetryApi } from './telemetry-api.ts';
import { createVmsApi, type VmsApi } from './vms-api.ts';

/** Everything components may call. The api layer is the only writer of the store. */
export interface Api {
  readonly nav: Navigation;
  readonly session: SessionApi;
  readonly hub: HubApi;
  readonly hosts: HostsApi;
  readonly telemetry: TelemetryApi;
  readonly pools: PoolsApi;
  readonly vms: VmsApi;
  readonly enrollment: EnrollmentApi;
  readonly events: EventsApi;
}

/** API_PREFIX from shared, repeated so zod stays out of the bundle. */
const API_BASE = '/api/v1';

export function createApi(deps: { store: Store<AppState>; window: Window; socket: HubSocket }): Api {
  const { store, window: w } = deps;
  // the two clients report to the session api, which needs them: bind late
  let session: SessionApi | undefined;
  let dataDisk: DataDiskApi | undefined;
  const onError = (err: ApiError) => {
    session?.handleError(err);
    if (err.code === 'STORAGE_FULL') dataDisk?.markFull();
  };

  const http = createHttpClient({ fetch: w.fetch.bind(w), base: API_BASE, onError, peer: 'hub' });
  const socket: SocketClient = createSocketClient({
    socket: deps.socket,
    onStatus: (connection) => store.update((s) => (s.connection === connection ? s : { ...s, connection })),
    onSessionEnded: (info) => session?.sessionEnded(info),
    onRefused: () => session?.connectionRefused(),
    peer: 'hub',
  });
  const nav = createNavigation({ store, window: w, routes: ROUTES });
  const loadInto = createLoader(store);
  dataDisk = createDataDiskApi({ socket, store });
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
  session = createSessionApi({
    http,
    socket,
    store,
    nav,
    withoutSessionData,
    // the fleet and the pools are on (or named by) every page: read them once, then live
    onSignedIn: () => {
      void hub.load();
      void hosts.load();
      void pools.load();
    },
    setTimeout: (fn, ms) => w.setTimeout(fn, ms),
    peer: 'hub',
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
