import type { SessionEnded, SessionInfo, SetupRequest, SetupStatus } from '@quantix/shared';
import { loginPath } from '../router/routes.ts';
import type { Store } from '../store/create-store.ts';
import type { ShellState } from '../store/shell-state.ts';
import { ApiError, toErrorInfo } from './api-error.ts';
import type { HttpClient } from './http-client.ts';
import type { Navigation } from './navigation.ts';
import type { ShellSocketClient } from './socket-client.ts';

export interface SessionApi {
  /** on page load: setup status, then the session; then the route guard decides */
  boot(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  setup(req: SetupRequest): Promise<void>;
  logout(): Promise<void>;
  /** every HTTP failure passes here: 401 means log in again, SETUP_REQUIRED means set up */
  handleError(err: ApiError): void;
  sessionEnded(info: SessionEnded): void;
  /** the socket was refused or dropped by the server: find out whether the session still exists */
  connectionRefused(): void;
}

const endedNotice = (reason: SessionEnded['reason'], peer: string): string =>
  ({
    logout: 'You were logged out.',
    expired: 'Your session expired. Log in again.',
    revoked: `Your session was ended on the ${peer}. Log in again.`,
  })[reason] ?? 'Your session expired. Log in again.';

export function createSessionApi<S extends ShellState>(deps: {
  http: HttpClient;
  socket: ShellSocketClient;
  store: Store<S>;
  nav: Navigation;
  /**
   * the UI's state without what must not outlive a session (a token secret, host details): its
   * initial state, with what of its pages does (a list's filter). The shell's own is kept here.
   */
  withoutSessionData: (state: S) => S;
  /** runs after every login, setup or restored session */
  onSignedIn: () => void;
  setTimeout: (fn: () => void, ms: number) => unknown;
  /** who ends sessions, for the notice: "host" (the default) or "hub" */
  peer?: string;
}): SessionApi {
  const { http, socket, store, nav, withoutSessionData } = deps;
  const peer = deps.peer ?? 'host';
  let checkPending = false;

  // what the shell knows outlives a session: how the boot went, whether setup is due, the notice
  const dropSessionData = (s: S): S => ({
    ...withoutSessionData(s),
    boot: s.boot,
    setupRequired: s.setupRequired,
    notice: s.notice,
  });

  function signedIn(session: SessionInfo) {
    store.update((s) => ({ ...s, session, setupRequired: false, notice: null }));
    socket.connect();
    deps.onSignedIn();
    // the guard takes /login?next=… on to the page the user wanted
    nav.enforce();
  }

  function signedOut(notice: string | null, rememberPage: boolean) {
    const wanted = nav.current();
    socket.disconnect();
    store.update((s) => ({ ...dropSessionData(s), notice }));
    nav.navigate(rememberPage ? loginPath(wanted) : '/login', { replace: true });
  }

  const api: SessionApi = {
    async boot() {
      store.update((s) => ({ ...s, boot: { status: 'pending', error: null } }));
      try {
        const status = await http.get<SetupStatus>('/setup/status', { quiet: true });
        store.update((s) => ({ ...s, setupRequired: status.setupRequired }));
        if (!status.setupRequired) {
          try {
            const session = await http.get<SessionInfo>('/auth/session', { quiet: true });
            store.update((s) => ({ ...s, session }));
            socket.connect();
            deps.onSignedIn();
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 'UNAUTHENTICATED')) throw err;
          }
        }
        store.update((s) => ({ ...s, boot: { status: 'ready', error: null } }));
        nav.enforce();
      } catch (err) {
        store.update((s) => ({ ...s, boot: { status: 'failed', error: toErrorInfo(err) } }));
      }
    },

    async login(username, password) {
      const session = await http.post<SessionInfo>('/auth/login', { username, password });
      signedIn(session);
    },

    async setup(req) {
      try {
        const session = await http.post<SessionInfo>('/setup', req);
        signedIn(session);
        nav.navigate('/', { replace: true });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'SETUP_DONE') {
          store.update((s) => ({
            ...s,
            setupRequired: false,
            notice: 'Setup was already completed. Log in.',
          }));
          nav.enforce();
        }
        throw err;
      }
    },

    async logout() {
      await http.post<undefined>('/auth/logout');
      signedOut(null, false);
    },

    handleError(err) {
      if (err.code === 'UNAUTHENTICATED') {
        if (store.get().session) signedOut('Your session has ended. Log in again.', true);
        else nav.enforce();
      } else if (err.code === 'SETUP_REQUIRED') {
        socket.disconnect();
        store.update((s) => ({ ...dropSessionData(s), setupRequired: true }));
        nav.enforce();
      }
    },

    sessionEnded(info) {
      if (store.get().session) signedOut(endedNotice(info.reason, peer), info.reason !== 'logout');
    },

    connectionRefused() {
      if (checkPending || !store.get().session) return;
      checkPending = true;
      // one check at a time; socket.io keeps retrying the connection meanwhile
      deps.setTimeout(async () => {
        try {
          await http.get<SessionInfo>('/auth/session', { quiet: true });
          // still logged in: the server dropped the socket for another reason, so dial again
          if (store.get().session) socket.connect();
        } catch (err) {
          // a network error means the host is down: socket.io's own retries cover that
          if (err instanceof ApiError) api.handleError(err);
        } finally {
          checkPending = false;
        }
      }, 1000);
    },
  };
  return api;
}
