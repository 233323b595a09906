import { Card } from '@quantix/shared/ui/components/card.tsx';
import { EventsView } from '../events/events-view.tsx';

export function EventsPage() {
  return (
    <div class="page" data-testid="page-events">
      <Card title="Events">
        <EventsView />
      </Card>
    </div>
  );
}
