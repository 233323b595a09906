import type { DataDiskStatus } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { SocketClient } from './socket-client.ts';

export interface DataDiskApi {
  /** a request failed with STORAGE_FULL: say so before the host's push arrives */
  markFull(): void;
}

/** The host pushes the data disk's status on connect and on every change; the banner reads it. */
export function createDataDiskApi(deps: { socket: SocketClient; store: Store<AppState> }): DataDiskApi {
  const { store } = deps;
  const set = (dataDisk: DataDiskStatus) => store.update((s) => ({ ...s, dataDisk }));
  deps.socket.on('data-disk:status', set);
  return {
    markFull() {
      if (store.get().dataDisk?.writable === false) return;
      set({ writable: false, problem: 'full', since: new Date().toISOString() });
    },
  };
}
