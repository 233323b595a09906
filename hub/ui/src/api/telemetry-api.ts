import type { TelemetrySample } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { holdWhileHidden, type PageVisibility, pageOrNull } from '@quantix/shared/ui/api/held-samples.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import { mergeSamples } from '@quantix/shared/ui/store/telemetry-window.ts';
import type { AppState } from '../store/app-state.ts';
import type { SocketClient } from './socket-client.ts';

export interface TelemetryApi {
  /** one host's live samples while a view shows them (`host:watch`); returns the function that stops it */
  watch(hostId: string): () => void;
}

export function createTelemetryApi(deps: {
  socket: SocketClient;
  store: Store<AppState>;
  /** default: the document, when there is one */
  page?: PageVisibility | null;
}): TelemetryApi {
  const { socket, store } = deps;
  const page = deps.page !== undefined ? deps.page : pageOrNull();
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
      const add = (incoming: readonly TelemetrySample[]) =>
        setTelemetry(hostId, (t) => {
          const samples = mergeSamples(t.samples, incoming);
          return samples === t.samples ? t : { ...t, samples };
        });
      const live = holdWhileHidden(page, add);
      const offSample = socket.on('host:telemetry', (t) => {
        if (t.hostId === hostId) live.push(t.sample);
      });
      // the hub forgets a socket's watches when it drops: watch again after every reconnect
      const offConnected = socket.whileConnected(async () => {
        try {
          const { history } = await socket.request('host:watch', { hostId });
          setTelemetry(hostId, (t) => ({ ...t, samples: mergeSamples(t.samples, history), error: null }));
        } catch (err) {
          setTelemetry(hostId, (t) => ({ ...t, error: toErrorInfo(err) }));
        }
      });
      return () => {
        live.stop();
        offSample();
        offConnected();
        if (socket.isConnected()) socket.request('host:unwatch', { hostId }).catch(() => {});
      };
    },
  };
}
