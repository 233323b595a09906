import type { HypervisorStatus } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';
import type { HttpClient } from './http-client.ts';
import type { SocketClient } from './socket-client.ts';

export interface HypervisorApi {
  load(): Promise<void>;
  /** a request failed with HYPERVISOR_UNAVAILABLE: show that until the host says otherwise */
  markUnavailable(message: string): void;
}

const RECHECK_MS = 5000;

const set = (store: Store<AppState>, hypervisor: HypervisorStatus) =>
  store.update((s) => ({ ...s, hypervisor }));

/** The status arrives with every socket connect and on every change; REST fills the gap before that. */
export function createHypervisorApi(deps: {
  http: HttpClient;
  socket: SocketClient;
  store: Store<AppState>;
  setTimeout: (fn: () => void, ms: number) => unknown;
}): HypervisorApi {
  const { http, store } = deps;
  let recheckPending = false;
  deps.socket.on('hypervisor:status', (status) => set(store, status));
  const api: HypervisorApi = {
    async load() {
      try {
        set(store, await http.get<HypervisorStatus>('/hypervisor'));
      } catch {
        // Not lost: every failure passes the http client's onError (HYPERVISOR_UNAVAILABLE marks the
        // status, 401 logs out), and each page shows the error of its own load.
      }
    },
    markUnavailable(message) {
      // The host pushes hypervisor:status when libvirt comes back. If its monitor never saw it go
      // (one failed call), no push comes: ask once more after a while so the banner cannot stick.
      if (!recheckPending) {
        recheckPending = true;
        deps.setTimeout(() => {
          recheckPending = false;
          void api.load();
        }, RECHECK_MS);
      }
      store.update((s) => {
        const prev = s.hypervisor;
        if (prev && !prev.available && prev.error === message) return s;
        return {
          ...s,
          hypervisor: {
            uri: prev?.uri ?? '',
            testDriver: prev?.testDriver ?? false,
            hostname: prev?.hostname ?? null,
            libvirtVersion: prev?.libvirtVersion ?? null,
            available: false,
            error: message,
          },
        };
      });
    },
  };
  return api;
}
