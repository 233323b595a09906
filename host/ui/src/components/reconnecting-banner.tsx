import { useStore } from '../store/use-store.ts';

export function ReconnectingBanner() {
  const connection = useStore((s) => s.connection);
  if (connection !== 'disconnected') return null;
  return (
    <div class="banner banner-warn" role="status" aria-live="polite" data-testid="reconnecting-banner">
      <span class="spinner" aria-hidden="true" />
      Reconnecting… live data is paused until the connection to the host is back.
    </div>
  );
}
