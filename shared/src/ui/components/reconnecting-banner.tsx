import { useShellConfig, useShellStore } from '../store/shell-context.ts';

export function ReconnectingBanner() {
  const connection = useShellStore((s) => s.connection);
  const { peer } = useShellConfig();
  if (connection !== 'disconnected') return null;
  return (
    <div class="banner banner-warn" role="status" aria-live="polite" data-testid="reconnecting-banner">
      <span class="spinner" aria-hidden="true" />
      Reconnecting… live data is paused until the connection to the {peer} is back.
    </div>
  );
}
