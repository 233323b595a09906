import { ROUTES } from '../router/routes.ts';
import { type AppState, withoutSessionData } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { type ConsoleApi, createConsoleApi } from './console-api.ts';
import { type DataDiskApi, createDataDiskApi } from '@quantix/shared/ui/api/data-disk-api.ts';
import { type EventsApi, createEventsApi } from './events-api.ts';
import { type FilesApi, createFilesApi } from './files-api.ts';
import { type HostApi, createHostApi } from './host-api.ts';
import { createHttpClient } from '@quantix/shared/ui/api/http-client.ts';
import { type HypervisorApi, createHypervisorApi } from './hypervisor-api.ts';
import { createLoader } from './load-into.ts';
import { type LogsApi, createLogsApi, saveWithLink } from './logs-api.ts';
import { type Navigation, createNavigation } from '@quantix/shared/ui/api/navigation.ts';
import { type NetworksApi, createNetworksApi } from './networks-api.ts';
import { documentVisibility } from '@quantix/shared/ui/api/poller.ts';
import { type RegistrationApi, createRegistrationApi } from './registration-api.ts';
import { type SessionApi, createSessionApi } from '@quantix/shared/ui/api/session-api.ts';
import { createSocketClient } from '@quantix/shared/ui/api/socket-client.ts';
import type { QxSocket, SocketClient } from './socket-client.ts';
import { type StorageApi, createStorageApi } from './storage-api.ts';
import { createTasksApi } from './tasks-api.ts';
import { type TelemetryApi, createTelemetryApi } from './telemetry-api.ts';
import { type VmsApi, createVmsApi } from './vms-api.ts';

/** Everything components may call. The api layer is the only writer of the store. */
export interface Api {
  readonly nav: Navigation;
  readonly session: SessionApi;
  readonly host: HostApi;
  readonly telemetry: TelemetryApi;
  readonly registration: RegistrationApi;
  readonly events: EventsApi;
  readonly hypervisor: HypervisorApi;
  readonly vms: VmsApi;
  readonly storage: StorageApi;
  readonly files: FilesApi;
  readonly networks: NetworksApi;
  readonly logs: LogsApi;
  readonly console: ConsoleApi;
}

/** API_PREFIX from shared, repeated so zod stays out of the bundle. */
const API_BASE = '/api/v1';

export function createApi(deps: { store: Store<AppState>; window: Window; socket: QxSocket }): Api {
  const { store, window: w } = deps;
  // the two clients report to the session api, which needs them: bind late
  let session: SessionApi | undefined;
  let hypervisor: HypervisorApi | undefined;
  let dataDisk: DataDiskApi | undefined;
  const onError = (err: ApiError) => {
    session?.handleError(err);
    // any request may learn that libvirt is gone: every virtualization page shows it
    if (err.code === 'HYPERVISOR_UNAVAILABLE') hypervisor?.markUnavailable(err.message);
    if (err.code === 'STORAGE_FULL') dataDisk?.markFull();
  };

  const http = createHttpClient({ fetch: w.fetch.bind(w), base: API_BASE, onError });
  const socket: SocketClient = createSocketClient({
    socket: deps.socket,
    onStatus: (connection) => store.update((s) => (s.connection === connection ? s : { ...s, connection })),
    onSessionEnded: (info) => session?.sessionEnded(info),
    onRefused: () => session?.connectionRefused(),
  });
  const nav = createNavigation({ store, window: w, routes: ROUTES });
  const loadInto = createLoader(store);
  const timers = {
    setTimeout: (fn: () => void, ms: number) => w.setTimeout(fn, ms),
    clearTimeout: w.clearTimeout.bind(w),
  };
  const visibility = documentVisibility(w.document);
  const host = createHostApi({ http, loadInto });
  hypervisor = createHypervisorApi({ http, socket, store, loadInto, timers, visibility });
  dataDisk = createDataDiskApi({ socket, store });
  const tasks = createTasksApi({ socket, store });
  const markUnavailable = hypervisor.markUnavailable;
  session = createSessionApi({
    http,
    socket,
    store,
    nav,
    withoutSessionData,
    onSignedIn: () => void host.load(),
    setTimeout: (fn, ms) => w.setTimeout(fn, ms),
  });
  // after a reconnect everything shown may be stale: the host summary is on every page
  socket.whileConnected((reconnect) => {
    if (reconnect) void host.load();
  });

  return {
    nav,
    session,
    host,
    telemetry: createTelemetryApi({ socket, store }),
    registration: createRegistrationApi({ http, socket, store, loadInto }),
    events: createEventsApi({ http, socket, store, loadInto }),
    hypervisor,
    vms: createVmsApi({
      http,
      socket,
      store,
      loadInto,
      tasks,
      onHypervisorUnavailable: markUnavailable,
      timers,
      visibility,
    }),
    storage: createStorageApi({ http, socket, store, loadInto, tasks }),
    files: createFilesApi({ http, loadInto, base: API_BASE, makeXhr: () => new XMLHttpRequest(), onError }),
    networks: createNetworksApi({ http, socket, store, loadInto, timers, visibility }),
    logs: createLogsApi({
      http,
      socket,
      store,
      loadInto,
      base: API_BASE,
      fetch: w.fetch.bind(w),
      save: saveWithLink(w),
      onError,
    }),
    console: createConsoleApi({ location: w.location, base: API_BASE }),
  };
}
