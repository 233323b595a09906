import type { HostEvent } from '@quantix/shared';
import type { Store } from '../store/create-store.ts';
import type { ErrorInfo, Loadable } from '../store/shell-state.ts';
import { toErrorInfo } from './api-error.ts';

/** What `watchEvents` uses of either server's socket client: the event log's events. */
export interface EventsSocket {
  on(event: 'event:new', handler: (event: HostEvent) => void): () => void;
  whileConnected(fn: (reconnect: boolean) => void): () => void;
  isConnected(): boolean;
  request(event: 'events:subscribe', req: { limit: number }): Promise<{ events: HostEvent[] }>;
  request(event: 'events:unsubscribe'): Promise<unknown>;
}

/**
 * The event log while a page shows it: the filtered list (`reload`), then every `event:new`, and
 * after each (re)connect the subscription's newest events (`add` keeps those that match). Returns
 * the function that stops it.
 */
export function watchEvents(deps: {
  socket: EventsSocket;
  limit: () => number;
  add: (events: readonly HostEvent[]) => void;
  reload: () => void;
  fail: (error: ErrorInfo) => void;
}): () => void {
  const { socket } = deps;
  deps.reload();
  const offNew = socket.on('event:new', (event) => deps.add([event]));
  const offConnected = socket.whileConnected(async (reconnect) => {
    try {
      const { events } = await socket.request('events:subscribe', { limit: deps.limit() });
      deps.add(events);
      // the REST list is filtered on the server and may hold older matches the ack does not
      if (reconnect) deps.reload();
    } catch (err) {
      deps.fail(toErrorInfo(err));
    }
  });
  return () => {
    offNew();
    offConnected();
    if (socket.isConnected()) socket.request('events:unsubscribe').catch(() => {});
  };
}

/** What an event log's api offers its page. */
export interface EventLogApi<F> {
  /** the filtered list plus live additions; returns the function that stops it */
  watch(): () => void;
  setFilter(filter: F): Promise<void>;
}

/** A UI's state that keeps an event log at `events`: the list shown and the filter it was read with. */
export interface EventLogState<F extends { readonly limit: number }> {
  readonly events: Loadable<readonly HostEvent[]> & { readonly filter: F };
}

/** `watchEvents` over the log at `events` of a UI's state: the limit is the filter's, an error goes there. */
export function watchEventLog<S extends EventLogState<{ readonly limit: number }>>(deps: {
  socket: EventsSocket;
  store: Store<S>;
  add: (events: readonly HostEvent[]) => void;
  reload: () => void;
}): () => void {
  const { store } = deps;
  return watchEvents({
    socket: deps.socket,
    limit: () => store.get().events.filter.limit,
    add: deps.add,
    reload: deps.reload,
    fail: (error) => store.update((s) => ({ ...s, events: { ...s.events, error } })),
  });
}

/**
 * Puts into the log at `events` the list `merge` makes of the current one and its filter; the
 * state stays the same object when `merge` answers the same list.
 */
export function mergeIntoEventLog<S extends EventLogState<{ readonly limit: number }>>(
  store: Store<S>,
  merge: (current: readonly HostEvent[], filter: S['events']['filter']) => readonly HostEvent[],
): void {
  store.update((s) => {
    const current = s.events.data ?? [];
    const data = merge(current, s.events.filter);
    return data === current ? s : { ...s, events: { ...s.events, data } };
  });
}
