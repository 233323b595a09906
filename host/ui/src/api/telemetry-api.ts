import type { AppState } from '../store/app-state.ts';
import { TELEMETRY_WINDOW_MS } from '@quantix/shared/ui/store/telemetry-window.ts';
import { type TelemetryApiDeps, watchTelemetry } from '@quantix/shared/ui/api/watch-telemetry.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** live samples while a view shows them; returns the function that stops it */
  watch(): () => void;
}

export function createTelemetryApi(deps: TelemetryApiDeps<SocketClient, AppState>): TelemetryApi {
  const { socket, store } = deps;
  const setTelemetry = (fn: (t: AppState['telemetry']) => AppState['telemetry']) =>
    store.update((s) => {
      const telemetry = fn(s.telemetry);
      return telemetry === s.telemetry ? s : { ...s, telemetry };
    });

  return {
    watch: () =>
      watchTelemetry({
        socket,
        page: deps.page,
        update: setTelemetry,
        listen: (push) => socket.on('telemetry:sample', push),
        subscribe: async () =>
          (await socket.request('telemetry:subscribe', { historySeconds: TELEMETRY_WINDOW_MS / 1000 }))
            .history,
        unsubscribe: () => socket.request('telemetry:unsubscribe'),
      }),
  };
}
