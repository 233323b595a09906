import type { PoolSummary } from '@quantix/shared';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { AutostartCell, RowError, StartStopDelete, useRowAction } from '../../components/row-actions.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useApi } from '../../store/use-store.ts';
import { poolDeleteConfirmation, poolStopConfirmation } from './pool-confirm.ts';

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
  const row = useRowAction();
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
        <AutostartCell
          row={row}
          name={pool.name}
          checked={pool.autostart}
          testId="pool-autostart"
          onSet={(on) => api.storage.setPoolAutostart(pool.name, on)}
        />
        <StartStopDelete
          row={row}
          kind="pool"
          active={pool.state === 'running'}
          onToggle={(verb) => api.storage.poolAction(pool.name, verb)}
          onDelete={() => api.storage.deletePool(pool.name)}
          stopConfirmation={poolStopConfirmation(pool.name)}
          deleteConfirmation={poolDeleteConfirmation(pool.name, pool.volumes)}
        />
      </tr>
      <RowError row={row} name={pool.name} colSpan={8} testId="pool-row-error" />
    </>
  );
}
