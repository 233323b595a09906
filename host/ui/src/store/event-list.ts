import type { HostEvent } from '@quantix/shared';
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
  const known = new Set(current.map((e) => e.id));
  const added = incoming.filter((e) => !known.has(e.id) && matchesFilter(e, filter));
  if (added.length === 0) return current;
  return [...added, ...current].sort((a, b) => b.seq - a.seq).slice(0, filter.limit);
}
