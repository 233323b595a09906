import type { EventCategory, EventLevel, HostEvent } from '@quantix/shared';
import type { ComponentChildren } from 'preact';
import { useShellStore } from '../store/shell-context.ts';
import type { Loadable } from '../store/shell-state.ts';
import { ErrorMessage } from './error-message.tsx';
import { EVENT_CATEGORIES, EVENT_LEVELS, EventsTable } from './events-table.tsx';

// An event log as both UIs show it (the host's Events page, the hub's events view): each UI puts
// in the filters it has, and the Live badge where its layout wants it.

/** How many of the newest events the list may hold. */
const LIMITS = [50, 100, 250, 1000];

/** A select of the filter row: all, or the events of one of `choices` (value → label). */
function ChoiceFilter<V extends string>(props: {
  id: string;
  label: string;
  value: V | '';
  choices: Readonly<Record<V, string>>;
  onChange: (value: V | '') => void;
}) {
  const choices: [string, string][] = Object.entries(props.choices);
  return (
    <div class="field-inline">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        data-testid={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value as V | '')}
      >
        <option value="">All</option>
        {choices.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EventLevelFilter(props: {
  value: EventLevel | '';
  onChange: (level: EventLevel | '') => void;
}) {
  return <ChoiceFilter id="filter-level" label="Level" choices={EVENT_LEVELS} {...props} />;
}

export function EventCategoryFilter(props: {
  value: EventCategory | '';
  onChange: (category: EventCategory | '') => void;
}) {
  return <ChoiceFilter id="filter-category" label="Category" choices={EVENT_CATEGORIES} {...props} />;
}

/** How many of the newest events to show. */
export function EventLimitFilter(props: { value: number; onChange: (limit: number) => void }) {
  return (
    <div class="field-inline">
      <label for="filter-limit">Show</label>
      <select
        id="filter-limit"
        data-testid="filter-limit"
        value={String(props.value)}
        onChange={(e) => props.onChange(Number(e.currentTarget.value))}
      >
        {LIMITS.map((n) => (
          <option key={n} value={String(n)}>
            {n} newest
          </option>
        ))}
      </select>
    </div>
  );
}

/** New events arrive over the socket: Live while it is connected. */
export function EventsLiveBadge() {
  const live = useShellStore((s) => s.connection === 'connected');
  return (
    <span class={`badge ${live ? 'badge-ok' : ''}`} data-testid="events-live">
      {live ? 'Live' : 'Paused'}
    </span>
  );
}

/**
 * An event log: the filter row (the UI's filters, as children, then a spinner while the list
 * loads) and the list under it: its error, then the events, or that none match.
 */
export function EventLog(props: { events: Loadable<readonly HostEvent[]>; children: ComponentChildren }) {
  const { events } = props;
  const list = events.data ?? [];
  return (
    <>
      <div class="filters">
        {props.children}
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
    </>
  );
}
