import type { SharedPool } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import { poolName } from '../../pools/pool-list.ts';
import { useApi } from '../../store/use-store.ts';

/** The definition as the hub keeps it, and deleting the pool (the hub refuses while it is assigned or used). */
export function PoolSettingsTab(props: { pool: SharedPool }) {
  const api = useApi();
  const d = props.pool.definition;
  const name = poolName(props.pool);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api.pools.remove(name);
      api.nav.navigate('/pools');
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <Card title="Definition" testId="pool-settings">
      <dl class="kv" data-testid="pool-definition">
        <dt>Name</dt>
        <dd class="mono">{d.name}</dd>
        <dt>Type</dt>
        <dd>{d.type === 'netfs' ? 'NFS export' : 'Directory'}</dd>
        {d.type === 'netfs' && (
          <>
            <dt>NFS server</dt>
            <dd class="mono">{d.host}</dd>
            <dt>Export path</dt>
            <dd class="mono">{d.exportPath}</dd>
            <dt>Mount options</dt>
            <dd class="mono">{d.options || '—'}</dd>
          </>
        )}
        <dt>{d.type === 'netfs' ? 'Mount path' : 'Path'}</dt>
        <dd class="mono">{d.path}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(props.pool.createdAt)}</dd>
      </dl>
      <ErrorMessage error={error} testId="pool-delete-error" />
      <div class="button-row">
        <button
          type="button"
          class="btn btn-danger"
          onClick={() => setConfirming(true)}
          data-testid="delete-pool"
        >
          Delete pool…
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmText="Delete"
          busyText="Deleting…"
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The hub forgets the pool's definition. Unassign it from every host first; the files on the storage
            stay where they are.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}
