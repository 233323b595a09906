import type { EventCategory, EventLevel, HostEvent } from '@quantix/shared';
import { formatDateTime } from '../format/format-time.ts';

// `satisfies Record<…>` makes the compiler tell us when shared adds a level or category
export const EVENT_LEVELS = { info: 'Info', warning: 'Warning', error: 'Error' } satisfies Record<
  EventLevel,
  string
>;
export const EVENT_CATEGORIES = {
  system: 'System',
  vm: 'VM',
  storage: 'Storage',
  network: 'Network',
  registration: 'Registration',
  security: 'Security',
} satisfies Record<EventCategory, string>;

/** Events newest first: time, level, category, source and message, all shown as text. */
export function EventsTable(props: { events: readonly HostEvent[] }) {
  return (
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
        {props.events.map((ev) => (
          <tr
            key={ev.id}
            data-testid="event-row"
            data-seq={ev.seq}
            data-level={ev.level}
            class={`level-${ev.level}`}
          >
            <td class="nowrap">{formatDateTime(ev.timestamp)}</td>
            <td>
              <span class={`badge badge-${ev.level}`}>{EVENT_LEVELS[ev.level] ?? ev.level}</span>
            </td>
            <td>{EVENT_CATEGORIES[ev.category] ?? ev.category}</td>
            <td class="mono">{ev.source}</td>
            <td>{ev.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
