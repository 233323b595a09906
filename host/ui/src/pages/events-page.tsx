import { useEffect } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import {
  EventCategoryFilter,
  EventLevelFilter,
  EventLimitFilter,
  EventLog,
  EventsLiveBadge,
} from '@quantix/shared/ui/components/event-log.tsx';
import type { EventFilter } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';

export function EventsPage() {
  const api = useApi();
  const events = useStore((s) => s.events);
  useEffect(() => api.events.watch(), [api]);

  const set = (change: Partial<EventFilter>) => void api.events.setFilter({ ...events.filter, ...change });

  return (
    <div class="page" data-testid="page-events">
      <Card title="Events" actions={<EventsLiveBadge />}>
        <EventLog events={events}>
          <EventLevelFilter value={events.filter.level} onChange={(level) => set({ level })} />
          <EventCategoryFilter value={events.filter.category} onChange={(category) => set({ category })} />
          <EventLimitFilter value={events.filter.limit} onChange={(limit) => set({ limit })} />
        </EventLog>
      </Card>
    </div>
  );
}
