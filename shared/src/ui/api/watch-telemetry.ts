import type { TelemetrySample } from '@quantix/shared';
import type { Store } from '../store/create-store.ts';
import { mergeSamples, type TelemetryView } from '../store/telemetry-window.ts';
import { toErrorInfo } from './api-error.ts';
import { holdWhileHidden, type PageVisibility, pageOrNull } from './held-samples.ts';

/** What a UI's telemetry api needs: its socket client and store, and the page (for tests). */
export interface TelemetryApiDeps<C, S> {
  readonly socket: C;
  readonly store: Store<S>;
  /** default: the document, when there is one */
  readonly page?: PageVisibility | null;
}

/**
 * Live samples while a view shows them: every pushed one (held while the page is hidden) and,
 * after each (re)connect, the history the subscription answers. The server's events are the
 * UI's (`listen`, `subscribe`, `unsubscribe`). Returns the function that stops it.
 */
export function watchTelemetry<T extends TelemetryView>(deps: {
  socket: { whileConnected(fn: (reconnect: boolean) => void): () => void; isConnected(): boolean };
  page?: PageVisibility | null | undefined;
  /** changes the telemetry the view shows */
  update: (fn: (telemetry: T) => T) => void;
  /** hands every pushed sample to `push`; returns the function that stops it */
  listen: (push: (sample: TelemetrySample) => void) => () => void;
  /** subscribes (again, after a reconnect); answers the history */
  subscribe: () => Promise<readonly TelemetrySample[]>;
  unsubscribe: () => Promise<unknown>;
}): () => void {
  const { socket, update } = deps;
  const page = deps.page !== undefined ? deps.page : pageOrNull();
  const add = (incoming: readonly TelemetrySample[]) =>
    update((t) => {
      const samples = mergeSamples(t.samples, incoming);
      return samples === t.samples ? t : { ...t, samples };
    });
  const live = holdWhileHidden(page, add);
  const offSample = deps.listen((sample) => live.push(sample));
  const offConnected = socket.whileConnected(async () => {
    try {
      const history = await deps.subscribe();
      update((t) => ({ ...t, samples: mergeSamples(t.samples, history), error: null }));
    } catch (err) {
      update((t) => ({ ...t, error: toErrorInfo(err) }));
    }
  });
  return () => {
    live.stop();
    offSample();
    offConnected();
    // the server forgets subscriptions of a closed socket, so only a live one needs telling
    if (socket.isConnected()) deps.unsubscribe().catch(() => {});
  };
}
