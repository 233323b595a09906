import type { SharedPool } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useState } from 'preact/hooks';
import { describeDefinition, poolName } from '../../pools/pool-list.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { PoolCreateDialog } from './pool-create-dialog.tsx';

/** The shared pools: one definition each, assigned to hosts that all reach the same storage. */
export function PoolsPage() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  const [creating, setCreating] = useState(false);
  const list = pools.data ?? [];
  return (
    <div class="page" data-testid="page-pools">
      <Card
        title="Shared pools"
        actions={
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => setCreating(true)}
            data-testid="create-pool"
          >
            Create pool
          </button>
        }
      >
        <ErrorMessage error={pools.error} testId="pools-error" />
        {pools.data && list.length === 0 ? (
          <p class="muted" data-testid="pools-empty">
            No shared pools yet. A shared pool is storage every host assigned to it reaches at the same path
            (an NFS export, or a directory on shared storage): VMs on it can be placed on any of those hosts.
          </p>
        ) : (
          pools.data && (
            <table class="table" data-testid="pools-table">
              <thead>
                <tr>
                  <th>Pool</th>
                  <th>Storage</th>
                  <th>Hosts</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={poolName(p)} data-testid="pool-row" data-name={poolName(p)}>
                    <td>
                      <Link href={`/pools/${encodeURIComponent(poolName(p))}`} testId="pool-link">
                        {poolName(p)}
                      </Link>
                    </td>
                    <td class="mono">{describeDefinition(p)}</td>
                    <td>
                      <AssignmentSummary pool={p} />
                    </td>
                    <td class="nowrap">{formatDateTime(p.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </Card>
      {creating && (
        <PoolCreateDialog
          onCancel={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            api.nav.navigate(`/pools/${encodeURIComponent(name)}?tab=hosts`);
          }}
        />
      )}
    </div>
  );
}

function AssignmentSummary(props: { pool: SharedPool }) {
  const a = props.pool.assignments;
  if (a.length === 0) return <span class="muted">not assigned</span>;
  const active = a.filter((x) => x.state === 'active').length;
  const errors = a.filter((x) => x.state === 'error').length;
  return (
    <span>
      {active} of {a.length} active
      {errors > 0 && <span class="badge badge-error">{errors} failed</span>}
    </span>
  );
}
