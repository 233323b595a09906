import type { DataDiskStatus } from '@quantix/shared';
import type { Store } from '../store/create-store.ts';
import type { ShellState } from '../store/shell-state.ts';
import type { SocketClient } from './socket-client.ts';

export interface DataDiskApi {
  /** a request failed with STORAGE_FULL: say so before the server's push arrives */
  markFull(): void;
}

type DataDiskEvents = { 'data-disk:status': (status: DataDiskStatus) => void };

/** The server pushes its data disk's status on connect and on every change; the banner reads it. */
export function createDataDiskApi(deps: {
  socket: Pick<SocketClient<DataDiskEvents, unknown>, 'on'>;
  store: Store<ShellState>;
}): DataDiskApi {
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
