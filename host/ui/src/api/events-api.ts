import type { EventList, HostEvent } from '@quantix/shared';
import type { AppState, EventFilter } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import { mergeEvents } from '../store/event-list.ts';
import { watchEvents } from '@quantix/shared/ui/api/watch-events.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { SocketClient } from './socket-client.ts';

export interface EventsApi {
  /** the filtered list plus live additions; returns the function that stops it */
  watch(): () => void;
  setFilter(filter: EventFilter): Promise<void>;
}

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

  function add(incoming: readonly HostEvent[]) {
    store.update((s) => {
      const current = s.events.data ?? [];
      const data = mergeEvents(current, incoming, s.events.filter);
      return data === current ? s : { ...s, events: { ...s.events, data } };
    });
  }

  return {
    watch: () =>
      watchEvents({
        socket,
        limit: () => store.get().events.filter.limit,
        add,
        reload: () => void load(),
        fail: (error) => store.update((s) => ({ ...s, events: { ...s.events, error } })),
      }),
    async setFilter(filter) {
      store.update((s) => ({ ...s, events: { ...s.events, filter } }));
      await load();
    },
  };
}
