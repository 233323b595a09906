import type { HostEvent } from '@quantix/shared';
import { mergeNewest } from '@quantix/shared/ui/store/event-list.ts';
import type { EventFilter } from './app-state.ts';

export function matchesFilter(event: HostEvent, filter: EventFilter): boolean {
  return (
    (filter.level === '' || event.level === filter.level) &&
    (filter.category === '' || event.category === filter.category)
  );
}

/** Adds events that match the filter, newest first (by seq), without duplicates, at most `limit`. */
export function mergeEvents(
  current: readonly HostEvent[],
  incoming: readonly HostEvent[],
  filter: EventFilter,
): readonly HostEvent[] {
  return mergeNewest(current, incoming, (e) => matchesFilter(e, filter), filter.limit);
}
