import type { PoolSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '../../api/api-error.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Link } from '../../components/link.tsx';
import { UsageBar } from '../../components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '../../format/format-bytes.ts';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';

const STATE_BADGE: Record<PoolSummary['state'], string> = {
  running: 'badge-ok',
  inactive: '',
  building: 'badge-info',
  degraded: 'badge-warning',
  inaccessible: 'badge-error',
};

export function PoolCapacity(props: { pool: PoolSummary }) {
  const { pool } = props;
  const pct = percentOf(pool.allocation, pool.capacity);
  return (
    <span class="capacity" data-testid="pool-capacity">
      <UsageBar percent={pct} />
      <span class="capacity-text">
        {formatBytes(pool.allocation)} of {formatBytes(pool.capacity)} ({formatPercent(pct, 0)}) ·{' '}
        {formatBytes(pool.available)} free
      </span>
    </span>
  );
}

export function PoolsTable(props: { pools: readonly PoolSummary[] }) {
  return (
    <table class="table" data-testid="pool-list">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>State</th>
          <th>Capacity</th>
          <th class="num">Volumes</th>
          <th>Path</th>
          <th>Autostart</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.pools.map((p) => (
          <PoolRow key={p.uuid} pool={p} />
        ))}
      </tbody>
    </table>
  );
}

function PoolRow(props: { pool: PoolSummary }) {
  const api = useApi();
  const { pool } = props;
  const [busy, setBusy] = useState<'start' | 'stop' | 'autostart' | 'delete' | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function act(kind: NonNullable<typeof busy>, run: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await run();
      if (kind === 'delete') setConfirming(false);
    } catch (err) {
      setError(toErrorInfo(err));
      setConfirming(false);
    } finally {
      setBusy(null);
    }
  }

  const running = pool.state === 'running';
  return (
    <>
      <tr data-testid="pool-row" data-pool-name={pool.name} data-state={pool.state}>
        <td>
          <Link href={`/storage/${encodeURIComponent(pool.name)}`} testId="pool-link">
            {pool.name}
          </Link>
        </td>
        <td>{pool.type}</td>
        <td>
          <span class={`badge ${STATE_BADGE[pool.state]}`} data-testid="pool-state">
            {pool.state}
          </span>
        </td>
        <td class="capacity-col">
          <PoolCapacity pool={pool} />
        </td>
        <td class="num">{pool.volumes}</td>
        <td class="mono ellipsis" title={pool.path ?? ''}>
          {pool.path ?? '—'}
        </td>
        <td>
          <input
            type="checkbox"
            aria-label={`Start ${pool.name} with the host`}
            checked={pool.autostart}
            disabled={busy !== null}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              void act('autostart', () => api.storage.setPoolAutostart(pool.name, on));
            }}
            data-testid="pool-autostart"
          />
        </td>
        <td class="actions nowrap">
          <button
            type="button"
            class="btn btn-secondary btn-small"
            disabled={busy !== null}
            onClick={() =>
              void act(running ? 'stop' : 'start', () =>
                api.storage.poolAction(pool.name, running ? 'stop' : 'start'),
              )
            }
            data-testid={running ? 'pool-stop' : 'pool-start'}
          >
            {busy === 'start' ? 'Starting…' : busy === 'stop' ? 'Stopping…' : running ? 'Stop' : 'Start'}
          </button>{' '}
          <button
            type="button"
            class="btn btn-danger btn-small"
            disabled={busy !== null}
            onClick={() => setConfirming(true)}
            data-testid="pool-delete"
          >
            Delete
          </button>
        </td>
      </tr>
      {error && (
        <tr class="row-error">
          <td colSpan={8}>
            <ErrorMessage
              error={{ ...error, message: `${pool.name}: ${error.message}` }}
              testId="pool-row-error"
            />
          </td>
        </tr>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete pool "${pool.name}"?`}
          confirmText="Delete pool"
          busyText="Deleting…"
          busy={busy === 'delete'}
          onConfirm={() => void act('delete', () => api.storage.deletePool(pool.name))}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The pool is removed from libvirt. Its {pool.volumes} volume{pool.volumes === 1 ? '' : 's'} and its
            directory or volume group are left as they are. A pool that VMs use cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
