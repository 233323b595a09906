import { type TelemetryApiDeps, watchTelemetry } from '@quantix/shared/ui/api/watch-telemetry.ts';
import type { AppState } from '../store/app-state.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** one host's live samples while a view shows them (`host:watch`); returns the function that stops it */
  watch(hostId: string): () => void;
}

export function createTelemetryApi(deps: TelemetryApiDeps<SocketClient, AppState>): TelemetryApi {
  const { socket, store } = deps;
  /** changes the telemetry of `hostId`; samples of a host no longer watched are dropped */
  const setTelemetry = (hostId: string, fn: (t: AppState['telemetry']) => AppState['telemetry']) =>
    store.update((s) => {
      if (s.telemetry.hostId !== hostId) return s;
      const telemetry = fn(s.telemetry);
      return telemetry === s.telemetry ? s : { ...s, telemetry };
    });

  return {
    watch(hostId) {
      store.update((s) => ({ ...s, telemetry: { hostId, samples: [], error: null } }));
      return watchTelemetry<AppState['telemetry']>({
        socket,
        page: deps.page,
        update: (fn) => setTelemetry(hostId, fn),
        listen: (push) =>
          socket.on('host:telemetry', (t) => {
            if (t.hostId === hostId) push(t.sample);
          }),
        // the hub forgets a socket's watches when it drops: watch again after every reconnect
        subscribe: async () => (await socket.request('host:watch', { hostId })).history,
        unsubscribe: () => socket.request('host:unwatch', { hostId }),
      });
    },
  };
}
