import {
  EventLevelFilter,
  EventLimitFilter,
  EventLog,
  EventsLiveBadge,
} from '@quantix/shared/ui/components/event-log.tsx';
import { useEffect } from 'preact/hooks';
import type { EventFilter } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

/**
 * The hub's event log, live: hub actions and host events together. With `hostId` it shows that
 * host's only (the host page's tab); without, a host filter lets the admin pick one.
 */
export function EventsView(props: { hostId?: string }) {
  const api = useApi();
  const events = useStore((s) => s.events);
  const hosts = useStore((s) => s.hosts.data);
  const fixed = props.hostId;
  useEffect(() => {
    const { filter } = events;
    // the page decides the host: a tab shows its own, the Events page starts with every host
    const hostId = fixed ?? '';
    if (filter.hostId !== hostId) void api.events.setFilter({ ...filter, hostId });
    return api.events.watch();
  }, [api, fixed]);

  const set = (change: Partial<EventFilter>) => void api.events.setFilter({ ...events.filter, ...change });

  return (
    <div data-testid="events-view">
      <EventLog events={events}>
        {fixed === undefined && (
          <div class="field-inline">
            <label for="filter-host">Host</label>
            <select
              id="filter-host"
              data-testid="filter-host"
              value={events.filter.hostId}
              onChange={(e) => set({ hostId: e.currentTarget.value })}
            >
              <option value="">All (and the hub)</option>
              {(hosts ?? []).map((h) => (
                <option key={h.hostId} value={h.hostId}>
                  {h.hostname}
                </option>
              ))}
            </select>
          </div>
        )}
        <EventLevelFilter value={events.filter.level} onChange={(level) => set({ level })} />
        <EventLimitFilter value={events.filter.limit} onChange={(limit) => set({ limit })} />
        <EventsLiveBadge />
      </EventLog>
    </div>
  );
}
