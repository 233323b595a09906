import type { EventCategory, EventLevel } from '@quantix/shared';
import { useEffect } from 'preact/hooks';
import { Card } from '../components/card.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { formatDateTime } from '../format/format-time.ts';
import type { EventFilter } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

// `satisfies Record<…>` makes the compiler tell us when shared adds a level or category
const LEVELS = { info: 'Info', warning: 'Warning', error: 'Error' } satisfies Record<EventLevel, string>;
const CATEGORIES = {
  system: 'System',
  vm: 'VM',
  storage: 'Storage',
  network: 'Network',
  registration: 'Registration',
  security: 'Security',
} satisfies Record<EventCategory, string>;
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
              {Object.entries(LEVELS).map(([value, label]) => (
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
              {Object.entries(CATEGORIES).map(([value, label]) => (
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
          <table class="table table-events" data-testid="events-table">
            <thead>
              <tr>
                <th class="col-time">Time</th>
                <th class="col-level">Level</th>
                <th class="col-cat">Category</th>
                <th class="col-source">Source</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {list.map((ev) => (
                <tr
                  key={ev.id}
                  data-testid="event-row"
                  data-seq={ev.seq}
                  data-level={ev.level}
                  class={`level-${ev.level}`}
                >
                  <td class="nowrap">{formatDateTime(ev.timestamp)}</td>
                  <td>
                    <span class={`badge badge-${ev.level}`}>{LEVELS[ev.level] ?? ev.level}</span>
                  </td>
                  <td>{CATEGORIES[ev.category] ?? ev.category}</td>
                  <td class="mono">{ev.source}</td>
                  <td>{ev.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
