import type { EventCategory, EventLevel } from '@quantix/shared';
import { EVENT_CATEGORIES, EVENT_LEVELS, EventsTable } from '@quantix/shared/ui/components/events-table.tsx';
import { useEffect } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { EventFilter } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

const LIMITS = [50, 100, 250, 1000];

export function EventsPage() {
  const api = useApi();
  const events = useStore((s) => s.events);
  const live = useStore((s) => s.connection === 'connected');
  useEffect(() => api.events.watch(), [api]);

  const set = (change: Partial<EventFilter>) => void api.events.setFilter({ ...events.filter, ...change });
  const list = events.data ?? [];

  return (
    <div class="page" data-testid="page-events">
      <Card
        title="Events"
        actions={
          <span class={`badge ${live ? 'badge-ok' : ''}`} data-testid="events-live">
            {live ? 'Live' : 'Paused'}
          </span>
        }
      >
        <div class="filters">
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
            <label for="filter-category">Category</label>
            <select
              id="filter-category"
              data-testid="filter-category"
              value={events.filter.category}
              onChange={(e) => set({ category: e.currentTarget.value as EventCategory | '' })}
            >
              <option value="">All</option>
              {Object.entries(EVENT_CATEGORIES).map(([value, label]) => (
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
      </Card>
    </div>
  );
}
