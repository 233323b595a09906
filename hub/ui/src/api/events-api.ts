import type { EventList, HostEvent } from '@quantix/shared';
import { watchEvents } from '@quantix/shared/ui/api/watch-events.ts';
import { mergeNewest } from '@quantix/shared/ui/store/event-list.ts';
import { eventMatches, eventsQuery } from '../events/event-filter.ts';
import type { EventFilter } from '../store/app-state.ts';
import type { StoreApiDeps } from './api-deps.ts';

export interface EventsApi {
  /** the filtered list plus live additions; returns the function that stops it */
  watch(): () => void;
  setFilter(filter: EventFilter): Promise<void>;
}

export function createEventsApi(deps: StoreApiDeps): EventsApi {
  const { http, socket, store, loadInto } = deps;

  // events that arrive while the list loads: the list may predate them, so they go on top after
  let arrivedDuringLoad: HostEvent[] | null = null;

  async function load() {
    const arrived: HostEvent[] = [];
    arrivedDuringLoad = arrived;
    await loadInto(
      'events',
      async () => (await http.get<EventList>(`/events${eventsQuery(store.get().events.filter)}`)).events,
    );
    if (arrivedDuringLoad === arrived) arrivedDuringLoad = null;
    add(arrived);
  }

  function add(incoming: readonly HostEvent[]) {
    arrivedDuringLoad?.push(...incoming);
    store.update((s) => {
      const { filter } = s.events;
      const current = s.events.data ?? [];
      const data = mergeNewest(current, incoming, (e) => eventMatches(e, filter), filter.limit);
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
      // another filter is another list: nothing of the old one may show under the new one
      store.update((s) => ({ ...s, events: { ...s.events, filter, data: null } }));
      await load();
    },
  };
}
