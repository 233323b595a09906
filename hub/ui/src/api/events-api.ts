import type { EventList, HostEvent } from '@quantix/shared';
import { type EventLogApi, mergeIntoEventLog, watchEventLog } from '@quantix/shared/ui/api/watch-events.ts';
import { mergeNewest } from '@quantix/shared/ui/store/event-list.ts';
import { eventMatches, eventsQuery } from '../events/event-filter.ts';
import type { EventFilter } from '../store/app-state.ts';
import type { StoreApiDeps } from './api-deps.ts';

export type EventsApi = EventLogApi<EventFilter>;

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
    mergeIntoEventLog(store, (current, filter) =>
      mergeNewest(current, incoming, (e) => eventMatches(e, filter), filter.limit),
    );
  }

  return {
    watch: () => watchEventLog({ socket, store, add, reload: () => void load() }),
    async setFilter(filter) {
      // another filter is another list: nothing of the old one may show under the new one
      store.update((s) => ({ ...s, events: { ...s.events, filter, data: null } }));
      await load();
    },
  };
}
