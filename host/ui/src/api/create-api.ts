import { ROUTES } from '../router/routes.ts';
import { type AppState, withoutSessionData } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { ShellApi } from '@quantix/shared/ui/store/shell-context.ts';
import { type ConsoleApi, createConsoleApi } from './console-api.ts';
import { API_BASE, createShellApi } from '@quantix/shared/ui/api/create-shell-api.ts';
import { type EventsApi, createEventsApi } from './events-api.ts';
import { type FilesApi, createFilesApi } from './files-api.ts';
import { type HardwareApi, createHardwareApi } from './hardware-api.ts';
import { type HostApi, createHostApi } from './host-api.ts';
import { type HistoryApi, createHistoryApi } from './history-api.ts';
import { type HypervisorApi, createHypervisorApi } from './hypervisor-api.ts';
import { type LogsApi, createLogsApi, saveWithLink } from './logs-api.ts';
import { type NetworksApi, createNetworksApi } from './networks-api.ts';
import { documentVisibility } from '@quantix/shared/ui/api/poller.ts';
import { type RegistrationApi, createRegistrationApi } from './registration-api.ts';
import type { QxSocket } from './socket-client.ts';
import { type StorageApi, createStorageApi } from './storage-api.ts';
import { createTasksApi } from './tasks-api.ts';
import { createTaskListApi, type TaskListApi } from './task-list-api.ts';
import { type TelemetryApi, createTelemetryApi } from './telemetry-api.ts';
import { type VmGuestApi, createVmGuestApi } from './vm-guest-api.ts';
import { type VmsApi, createVmsApi } from './vms-api.ts';

/** Everything components may call. The api layer is the only writer of the store. */
export interface Api extends ShellApi {
  readonly host: HostApi;
  readonly telemetry: TelemetryApi;
  readonly registration: RegistrationApi;
  readonly events: EventsApi;
  readonly hypervisor: HypervisorApi;
  readonly vms: VmsApi;
  /** the VM page's Hardware tab */
  readonly hardware: HardwareApi;
  readonly storage: StorageApi;
  readonly files: FilesApi;
  readonly networks: NetworksApi;
  readonly logs: LogsApi;
  readonly console: ConsoleApi;
  /** the host's task list and a task's log */
  readonly taskList: TaskListApi;
  /** metrics history (slice-hist) */
  readonly history: HistoryApi;
  /** firmware offers and the guest agent (issue 9) */
  readonly vmGuest: VmGuestApi;
}

export function createApi(deps: { store: Store<AppState>; window: Window; socket: QxSocket }): Api {
  const { store, window: w } = deps;
  // the hypervisor api hears of every failed request, and is made after the clients: bind late
  let hypervisor: HypervisorApi | undefined;
  const { http, socket, nav, loadInto, session, onError } = createShellApi({
    ...deps,
    routes: ROUTES,
    withoutSessionData,
    onSignedIn: () => void host.load(),
    // any request may learn that libvirt is gone: every virtualization page shows it
    onError: (err) => {
      if (err.code === 'HYPERVISOR_UNAVAILABLE') hypervisor?.markUnavailable(err.message);
    },
  });
  const timers = {
    setTimeout: (fn: () => void, ms: number) => w.setTimeout(fn, ms),
    clearTimeout: w.clearTimeout.bind(w),
  };
  const visibility = documentVisibility(w.document);
  const host = createHostApi({ http, loadInto });
  hypervisor = createHypervisorApi({ http, socket, store, loadInto, timers, visibility });
  const tasks = createTasksApi({ socket, store });
  const markUnavailable = hypervisor.markUnavailable;
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
    hardware: createHardwareApi({ http, socket, store, loadInto, tasks }),
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
    taskList: createTaskListApi({ http, socket, store, loadInto }),
    history: createHistoryApi({ http, loadInto }),
    vmGuest: createVmGuestApi({ http }),
  };
}
