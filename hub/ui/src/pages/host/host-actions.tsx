import type { HubHost } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import { safeHostUrl } from '../../hosts/host-url.ts';
import { useApi } from '../../store/use-store.ts';
import { RepairDialog } from './repair-dialog.tsx';

/** Maintenance, the host's own UI, re-pairing and removal. */
export function HostActions(props: { host: HubHost }) {
  const api = useApi();
  const { host } = props;
  const [busy, setBusy] = useState<'maintenance' | 'remove' | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [repairing, setRepairing] = useState(false);
  const hostUi = safeHostUrl(host.url);

  async function run(kind: 'maintenance' | 'remove', fn: () => Promise<unknown>) {
    setBusy(kind);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(toErrorInfo(err));
      return false;
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <div class="button-row">
        <BusyButton
          busy={busy === 'maintenance'}
          busyText="Saving…"
          onClick={() =>
            void run('maintenance', () => api.hosts.setMaintenance(host.hostId, !host.maintenance))
          }
          testId="maintenance-toggle"
        >
          {host.maintenance ? 'Leave maintenance' : 'Enter maintenance'}
        </BusyButton>
        {hostUi && (
          <a
            class="btn btn-secondary"
            href={hostUi}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="open-host-ui"
          >
            Open host UI ↗
          </a>
        )}
        {host.state === 'cert-changed' && (
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => setRepairing(true)}
            data-testid="repair-host"
          >
            Re-pair…
          </button>
        )}
        <span class="spacer" />
        <button
          type="button"
          class="btn btn-danger"
          disabled={busy !== null}
          onClick={() => setConfirmRemove(true)}
          data-testid="remove-host"
        >
          Remove…
        </button>
      </div>
      <p class="hint">
        {host.maintenance
          ? 'In maintenance: the hub places no new VMs here. Its VMs keep running.'
          : 'Maintenance keeps new VMs off this host; its VMs keep running.'}
      </p>
      <ErrorMessage error={error} testId="host-action-error" />
      {confirmRemove && (
        <ConfirmDialog
          title={`Remove ${host.hostname}?`}
          confirmText="Remove"
          busyText="Removing…"
          busy={busy === 'remove'}
          onConfirm={async () => {
            const ok = await run('remove', () => api.hosts.remove(host.hostId));
            setConfirmRemove(false);
            if (ok) api.nav.navigate('/');
          }}
          onCancel={() => setConfirmRemove(false)}
        >
          <p>
            The hub forgets the host and tells it to forget the hub. Its VMs keep running on it; you can
            manage them on the host, or add it again later.
          </p>
        </ConfirmDialog>
      )}
      {repairing && <RepairDialog host={host} onDone={() => setRepairing(false)} />}
    </>
  );
}
