import type { EventLevel } from '@quantix/shared';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { EVENT_LEVELS, EventsTable } from '@quantix/shared/ui/components/events-table.tsx';
import { useEffect } from 'preact/hooks';
import type { EventFilter } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

const LIMITS = [50, 100, 250, 1000];

/**
 * The hub's event log, live: hub actions and host events together. With `hostId` it shows that
 * host's only (the host page's tab); without, a host filter lets the admin pick one.
 */
export function EventsView(props: { hostId?: string }) {
  const api = useApi();
  const events = useStore((s) => s.events);
  const hosts = useStore((s) => s.hosts.data);
  const live = useStore((s) => s.connection === 'connected');
  const fixed = props.hostId;
  useEffect(() => {
    const { filter } = events;
    // the page decides the host: a tab shows its own, the Events page starts with every host
    const hostId = fixed ?? '';
    if (filter.hostId !== hostId) void api.events.setFilter({ ...filter, hostId });
    return api.events.watch();
  }, [api, fixed]);

  const set = (change: Partial<EventFilter>) => void api.events.setFilter({ ...events.filter, ...change });
  const list = events.data ?? [];

  return (
    <div data-testid="events-view">
      <div class="filters">
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
        <div class="field-inline">
          <label for="filter-level">Level</label>
          <select
            id="filter-level"
            data-testid="filter-level"
            value={events.filter.level}
            onChange={(e) => set({ level: e.currentTarget.value as EventLevel | '' })}
          >
            <option value="">All</option>
            {Object.entries(EVENT_LEVELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="field-inline">
          <label for="filter-limit">Show</label>
          <select
            id="filter-limit"
            data-testid="filter-limit"
            value={String(events.filter.limit)}
            onChange={(e) => set({ limit: Number(e.currentTarget.value) })}
          >
            {LIMITS.map((n) => (
              <option key={n} value={String(n)}>
                {n} newest
              </option>
            ))}
          </select>
        </div>
        <span class={`badge ${live ? 'badge-ok' : ''}`} data-testid="events-live">
          {live ? 'Live' : 'Paused'}
        </span>
        {events.loading && (
          <span class="muted">
            <span class="spinner" aria-hidden="true" /> Loading…
          </span>
        )}
      </div>
      <ErrorMessage error={events.error} testId="events-error" />
      {list.length === 0 && !events.loading ? (
        <p class="muted" data-testid="events-empty">
          No events match.
        </p>
      ) : (
        <EventsTable events={list} />
      )}
    </div>
  );
}
