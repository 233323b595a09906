import type { AppState } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';
import { mergeSamples, TELEMETRY_WINDOW_MS } from '../store/telemetry-window.ts';
import { toErrorInfo } from './api-error.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** live samples while a view shows them; returns the function that stops it */
  watch(): () => void;
}

export function createTelemetryApi(deps: { socket: SocketClient; store: Store<AppState> }): TelemetryApi {
  const { socket, store } = deps;
  const setTelemetry = (fn: (t: AppState['telemetry']) => AppState['telemetry']) =>
    store.update((s) => {
      const telemetry = fn(s.telemetry);
      return telemetry === s.telemetry ? s : { ...s, telemetry };
    });

  return {
    watch() {
      const offSample = socket.on('telemetry:sample', (sample) =>
        setTelemetry((t) => {
          const samples = mergeSamples(t.samples, [sample]);
          return samples === t.samples ? t : { ...t, samples };
        }),
      );
      const offConnected = socket.whileConnected(async () => {
        try {
          const { history } = await socket.request('telemetry:subscribe', {
            historySeconds: TELEMETRY_WINDOW_MS / 1000,
          });
          setTelemetry((t) => ({ samples: mergeSamples(t.samples, history), error: null }));
        } catch (err) {
          setTelemetry((t) => ({ ...t, error: toErrorInfo(err) }));
        }
      });
      return () => {
        offSample();
        offConnected();
        // the server forgets subscriptions of a closed socket, so only a live one needs telling
        if (socket.isConnected()) socket.request('telemetry:unsubscribe').catch(() => {});
      };
    },
  };
}
