import type { HostEvent } from '@quantix/shared';
import type { ErrorInfo } from '../store/shell-state.ts';
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
