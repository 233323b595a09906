import type { DataDiskStatus } from '@quantix/shared';
import type { RouteDef } from '../router/routes.ts';
import type { Store } from '../store/create-store.ts';
import type { ShellState } from '../store/shell-state.ts';
import type { ApiError } from './api-error.ts';
import { createDataDiskApi, type DataDiskApi } from './data-disk-api.ts';
import { createHttpClient } from './http-client.ts';
import { createLoader } from './load-into.ts';
import { createNavigation } from './navigation.ts';
import { createSessionApi, type SessionApi } from './session-api.ts';
import {
  createSocketClient,
  type EventsMap,
  type QxSocket,
  type ShellServerEvents,
} from './socket-client.ts';

/** API_PREFIX from shared, repeated so zod stays out of the bundle. */
export const API_BASE = '/api/v1';

/** The server → client events the shell itself hears: the session's end and the data disk's status. */
type ShellEvents = ShellServerEvents & { 'data-disk:status': (status: DataDiskStatus) => void };

/**
 * What each UI's api is built on: the HTTP and socket clients, navigation over the UI's page
 * table, the loader, the data disk's status and the session. Every failed request goes to the
 * session (401, setup required), then to the UI's `onError`, then to the data disk (full).
 */
export function createShellApi<
  S extends ShellState,
  SE extends EventsMap & ShellEvents,
  CE extends EventsMap,
>(deps: {
  store: Store<S>;
  window: Window;
  /** a socket.io socket created with `autoConnect: false` */
  socket: QxSocket<SE, CE>;
  routes: readonly RouteDef[];
  withoutSessionData: (state: S) => S;
  /** runs after every login, setup or restored session */
  onSignedIn: () => void;
  /** what else the UI learns from a failed request */
  onError?: (err: ApiError) => void;
  /** who answers, for messages: "host" (the default) or "hub" */
  peer?: string;
}) {
  const { store, window: w, peer } = deps;
  // the two clients report to the session api, which needs them: bind late
  let session: SessionApi | undefined;
  let dataDisk: DataDiskApi | undefined;
  const onError = (err: ApiError) => {
    session?.handleError(err);
    deps.onError?.(err);
    if (err.code === 'STORAGE_FULL') dataDisk?.markFull();
  };

  const http = createHttpClient({ fetch: w.fetch.bind(w), base: API_BASE, onError, peer });
  const socket = createSocketClient({
    socket: deps.socket,
    onStatus: (connection) => store.update((s) => (s.connection === connection ? s : { ...s, connection })),
    onSessionEnded: (info) => session?.sessionEnded(info),
    onRefused: () => session?.connectionRefused(),
    peer,
  });
  const nav = createNavigation({ store, window: w, routes: deps.routes });
  const loadInto = createLoader(store);
  dataDisk = createDataDiskApi({ socket, store });
  session = createSessionApi({
    http,
    socket,
    store,
    nav,
    withoutSessionData: deps.withoutSessionData,
    onSignedIn: deps.onSignedIn,
    setTimeout: (fn, ms) => w.setTimeout(fn, ms),
    peer,
  });
  return { http, socket, nav, loadInto, session, onError };
}
