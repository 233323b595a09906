import type { TelemetrySample } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import { mergeSamples, TELEMETRY_WINDOW_MS } from '@quantix/shared/ui/store/telemetry-window.ts';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { holdWhileHidden, type PageVisibility, pageOrNull } from '@quantix/shared/ui/api/held-samples.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** live samples while a view shows them; returns the function that stops it */
  watch(): () => void;
}

export function createTelemetryApi(deps: {
  socket: SocketClient;
  store: Store<AppState>;
  /** default: the document, when there is one */
  page?: PageVisibility | null;
}): TelemetryApi {
  const { socket, store } = deps;
  const page = deps.page !== undefined ? deps.page : pageOrNull();
  const setTelemetry = (fn: (t: AppState['telemetry']) => AppState['telemetry']) =>
    store.update((s) => {
      const telemetry = fn(s.telemetry);
      return telemetry === s.telemetry ? s : { ...s, telemetry };
    });
  const addSamples = (incoming: readonly TelemetrySample[]) =>
    setTelemetry((t) => {
      const samples = mergeSamples(t.samples, incoming);
      return samples === t.samples ? t : { ...t, samples };
    });

  return {
    watch() {
      const live = holdWhileHidden(page, addSamples);
      const offSample = socket.on('telemetry:sample', (sample) => live.push(sample));
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
        live.stop();
        offSample();
        offConnected();
        // the server forgets subscriptions of a closed socket, so only a live one needs telling
        if (socket.isConnected()) socket.request('telemetry:unsubscribe').catch(() => {});
      };
    },
  };
}
