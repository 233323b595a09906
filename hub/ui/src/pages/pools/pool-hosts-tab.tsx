import type { SharedPool } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useState } from 'preact/hooks';
import {
  ASSIGNMENT_BADGE,
  ASSIGNMENT_LABEL,
  type PoolHostRow,
  poolHostRows,
  poolName,
} from '../../pools/pool-list.ts';
import { useApi, useStore } from '../../store/use-store.ts';

/** The pool × host matrix: where the pool stands on each host, and Assign / Unassign. Live from `pool:changed`. */
export function PoolHostsTab(props: { pool: SharedPool }) {
  const hosts = useStore((s) => s.hosts.data);
  const rows = poolHostRows(props.pool, hosts ?? []);
  return (
    <Card title="Hosts" testId="pool-hosts">
      {hosts === null ? (
        <p class="muted">Loading the fleet's hosts…</p>
      ) : rows.length === 0 ? (
        <p class="muted">
          The fleet has no hosts yet. <Link href="/">Add one</Link> first.
        </p>
      ) : (
        <table class="table" data-testid="pool-hosts-table">
          <thead>
            <tr>
              <th>Host</th>
              <th>Pool on this host</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <HostRow key={r.hostId} pool={poolName(props.pool)} row={r} />
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function HostRow(props: { pool: string; row: PoolHostRow }) {
  const api = useApi();
  const { row } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const a = row.assignment;
  const moving = a?.state === 'pending' || a?.state === 'removing';

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      if (a) await api.pools.unassign(props.pool, row.hostId);
      else await api.pools.assign(props.pool, row.hostId);
    } catch (err) {
      // POOL_IN_USE: the hub's message names the VMs that still use the pool on this host
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <tr data-testid="pool-host-row" data-host-id={row.hostId} data-assignment={a?.state ?? 'none'}>
        <td>
          <Link href={`/hosts/${row.hostId}`}>{row.hostname}</Link>
          {!row.connected && <span class="badge badge-warning">not connected</span>}
        </td>
        <td>
          {a ? (
            <>
              <span class={`badge ${ASSIGNMENT_BADGE[a.state]}`} data-testid="assignment-state">
                {ASSIGNMENT_LABEL[a.state]}
              </span>
              {a.message && (
                <span class={a.state === 'error' ? 'field-error' : 'muted'} data-testid="assignment-message">
                  {' '}
                  {a.message}
                </span>
              )}
            </>
          ) : (
            <span class="muted">not assigned</span>
          )}
        </td>
        <td class="nowrap">{a ? formatDateTime(a.changedAt) : ''}</td>
        <td class="actions">
          <button
            type="button"
            class={`btn btn-small ${a ? 'btn-secondary' : 'btn-primary'}`}
            disabled={busy || moving || (!a && !row.connected)}
            title={!a && !row.connected ? 'The host must be connected' : undefined}
            onClick={() => void toggle()}
            data-testid={a ? 'unassign-pool' : 'assign-pool'}
          >
            {busy ? (a ? 'Unassigning…' : 'Assigning…') : a ? 'Unassign' : 'Assign'}
          </button>
        </td>
      </tr>
      {error && (
        <tr class="row-error">
          <td colSpan={4}>
            <ErrorMessage
              error={{ ...error, message: `${row.hostname}: ${error.message}` }}
              testId="pool-host-error"
            />
          </td>
        </tr>
      )}
    </>
  );
}
