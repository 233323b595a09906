import type { HubSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import type { ErrorInfo } from '../store/app-state.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';

export function HubsTable() {
  const api = useApi();
  const hubs = useStore((s) => s.hubs);
  const [confirming, setConfirming] = useState<HubSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function revoke(hub: HubSummary) {
    setBusy(true);
    setError(null);
    try {
      await api.registration.revoke(hub.hubId);
      setConfirming(null);
    } catch (err) {
      setError(toErrorInfo(err));
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  }

  const list = hubs.data ?? [];
  return (
    <Card title="Adopted hubs" testId="hubs-panel">
      <ErrorMessage error={error ?? hubs.error} testId="hubs-error" />
      {list.length === 0 ? (
        <p class="muted" data-testid="hubs-empty">
          {hubs.loading ? 'Loading…' : 'No hub manages this host. It runs standalone.'}
        </p>
      ) : (
        <table class="table" data-testid="hubs-table">
          <thead>
            <tr>
              <th>Hub</th>
              <th>URL</th>
              <th>SPKI fingerprint</th>
              <th>Adopted</th>
              <th>Last seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((hub) => (
              <tr key={hub.hubId} data-testid="hub-row" data-hub-id={hub.hubId}>
                <td>{hub.hubName}</td>
                <td class="mono">{hub.hubUrl}</td>
                <td class="mono ellipsis" title={hub.hubSpki}>
                  {hub.hubSpki}
                </td>
                <td>{formatDateTime(hub.adoptedAt)}</td>
                <td>{hub.lastSeenAt ? formatDateTime(hub.lastSeenAt) : 'never'}</td>
                <td class="actions">
                  <button
                    type="button"
                    class="btn btn-danger btn-small"
                    onClick={() => setConfirming(hub)}
                    data-testid="revoke-hub"
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming && (
        <ConfirmDialog
          title="Revoke hub?"
          confirmText="Revoke hub"
          busyText="Revoking…"
          busy={busy}
          onConfirm={() => revoke(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            <strong>{confirming.hubName}</strong> ({confirming.hubUrl}) will lose access to this host at once.
            To manage the host from it again, it must be adopted with a new token.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}
