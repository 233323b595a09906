import type { EventList, HostEvent } from '@quantix/shared';
import type { AppState, EventFilter } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import { mergeEvents } from '../store/event-list.ts';
import { type EventLogApi, mergeIntoEventLog, watchEventLog } from '@quantix/shared/ui/api/watch-events.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { SocketClient } from './socket-client.ts';

export type EventsApi = EventLogApi<EventFilter>;

export function eventsQuery(filter: EventFilter): string {
  const q = new URLSearchParams({ limit: String(filter.limit) });
  if (filter.level) q.set('level', filter.level);
  if (filter.category) q.set('category', filter.category);
  return `?${q.toString()}`;
}

export function createEventsApi(deps: {
  http: HttpClient;
  socket: SocketClient;
  store: Store<AppState>;
  loadInto: LoadInto;
}): EventsApi {
  const { http, socket, store, loadInto } = deps;

  const load = () =>
    loadInto(
      'events',
      async () => (await http.get<EventList>(`/events${eventsQuery(store.get().events.filter)}`)).events,
    );

  const add = (incoming: readonly HostEvent[]) =>
    mergeIntoEventLog(store, (current, filter) => mergeEvents(current, incoming, filter));

  return {
    watch: () => watchEventLog({ socket, store, add, reload: () => void load() }),
    async setFilter(filter) {
      store.update((s) => ({ ...s, events: { ...s.events, filter } }));
      await load();
    },
  };
}
