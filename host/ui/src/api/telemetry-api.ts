import type { TelemetrySample } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';
import { mergeSamples, TELEMETRY_WINDOW_MS } from '../store/telemetry-window.ts';
import { toErrorInfo } from './api-error.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** live samples while a view shows them; returns the function that stops it */
  watch(): () => void;
}

/** Whether the page is hidden (a background tab), and word when that changes: `document`. */
export interface PageVisibility {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', fn: () => void): void;
  removeEventListener(type: 'visibilitychange', fn: () => void): void;
}

export function createTelemetryApi(deps: {
  socket: SocketClient;
  store: Store<AppState>;
  /** default: the document, when there is one */
  page?: PageVisibility | null;
}): TelemetryApi {
  const { socket, store } = deps;
  const page = deps.page !== undefined ? deps.page : typeof document === 'undefined' ? null : document;
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
      // While the page is hidden, samples are held here instead of going into the store: nothing
      // re-renders or redraws in a background tab. They all go in at once when it is shown again,
      // so the charts are complete and current the moment they are seen. The subscription stays,
      // so no second of history is lost.
      let held: readonly TelemetrySample[] = [];
      const release = () => {
        if (page?.hidden || held.length === 0) return;
        const samples = held;
        held = [];
        addSamples(samples);
      };
      page?.addEventListener('visibilitychange', release);
      const offSample = socket.on('telemetry:sample', (sample) => {
        if (page?.hidden) held = mergeSamples(held, [sample]);
        else addSamples([sample]);
      });
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
        page?.removeEventListener('visibilitychange', release);
        offSample();
        offConnected();
        // the server forgets subscriptions of a closed socket, so only a live one needs telling
        if (socket.isConnected()) socket.request('telemetry:unsubscribe').catch(() => {});
      };
    },
  };
}
