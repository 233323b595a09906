import type { HostEvent } from '@quantix/shared';
import type { EventFilter } from '../store/app-state.ts';

/** The host an event is about: the hub puts it in `details.hostId` (its own and forwarded ones). */
export function eventHostId(event: HostEvent): string | null {
  const id = event.details?.hostId;
  return typeof id === 'string' ? id : null;
}

export function eventMatches(event: HostEvent, filter: EventFilter): boolean {
  return (
    (filter.level === '' || event.level === filter.level) &&
    (filter.hostId === '' || eventHostId(event) === filter.hostId)
  );
}

/** `GET /events` with the filter: only what is set, plus the limit. */
export function eventsQuery(filter: EventFilter): string {
  const q = new URLSearchParams({ limit: String(filter.limit) });
  if (filter.hostId) q.set('hostId', filter.hostId);
  if (filter.level) q.set('level', filter.level);
  return `?${q.toString()}`;
}
