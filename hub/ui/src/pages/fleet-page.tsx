import type { HubHost } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { formatDateTime, formatRelative } from '@quantix/shared/ui/format/format-time.ts';
import { useNow } from '@quantix/shared/ui/hooks/use-now.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { useMemo, useState } from 'preact/hooks';
import { HostStateBadge, MaintenanceBadge } from '../components/host-state-badge.tsx';
import { fleetTotals } from '../fleet/fleet-totals.ts';
import { filterHosts, parseHostFilter, STATE_LABEL, STATE_ORDER } from '../fleet/host-states.ts';
import { poolName } from '../pools/pool-list.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { AddHostDialog } from './add-host-dialog.tsx';
import { FleetTotalsCard } from './fleet-totals-card.tsx';

/** The home page: the fleet's figures and every host, live from `host:changed`. */
export function FleetPage() {
  const api = useApi();
  const hosts = useStore((s) => s.hosts);
  const pools = useStore((s) => s.pools.data);
  const route = useRoute();
  const filter = parseHostFilter(route.query.get('state'));
  const [adding, setAdding] = useState(false);
  const list = hosts.data ?? [];
  const totals = useMemo(() => fleetTotals(list, new Set((pools ?? []).map(poolName))), [list, pools]);
  const shown = filterHosts(list, filter);

  return (
    <div class="page" data-testid="page-fleet">
      <FleetTotalsCard totals={totals} />
      <Card
        title="Hosts"
        testId="hosts-card"
        actions={
          <>
            <Link href="/vms/new" class="btn btn-secondary" testId="new-vm">
              New VM
            </Link>
            <button
              type="button"
              class="btn btn-primary"
              onClick={() => setAdding(true)}
              data-testid="add-host"
            >
              Add host
            </button>
          </>
        }
      >
        <div class="filters">
          <div class="field-inline">
            <label for="host-filter">Show</label>
            <select
              id="host-filter"
              value={filter}
              onChange={(e) => route.setQuery({ state: e.currentTarget.value })}
              data-testid="host-filter"
            >
              <option value="">All hosts</option>
              {STATE_ORDER.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABEL[s]}
                </option>
              ))}
              <option value="maintenance">In maintenance</option>
            </select>
          </div>
          {hosts.loading && (
            <span class="muted">
              <span class="spinner" aria-hidden="true" /> Loading…
            </span>
          )}
        </div>
        <ErrorMessage error={hosts.error} testId="hosts-error" />
        {hosts.data && list.length === 0 ? (
          <div data-testid="fleet-empty">
            <p>No hosts yet.</p>
            <p class="muted">
              Add one with the join string from its Registration page, or let hosts join by themselves with an{' '}
              <Link href="/enrollment">enrollment string</Link>.
            </p>
          </div>
        ) : hosts.data && shown.length === 0 ? (
          <p class="muted" data-testid="fleet-none-match">
            No host matches.
          </p>
        ) : (
          hosts.data && <HostsTable hosts={shown} />
        )}
      </Card>
      {adding && (
        <AddHostDialog
          onCancel={() => setAdding(false)}
          onAdded={(host) => {
            setAdding(false);
            api.nav.navigate(`/hosts/${host.hostId}`);
          }}
        />
      )}
    </div>
  );
}

function HostsTable(props: { hosts: readonly HubHost[] }) {
  const now = useNow(10_000);
  return (
    <table class="table" data-testid="hosts-table">
      <thead>
        <tr>
          <th>Host</th>
          <th>State</th>
          <th class="bar-col">CPU</th>
          <th class="bar-col">Memory</th>
          <th class="num">VMs</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {props.hosts.map((h) => {
          // figures are live only while the link is up
          const s = h.state === 'connected' ? h.status : null;
          const memPct = s ? percentOf(s.memoryUsedBytes, s.memoryTotalBytes) : 0;
          return (
            <tr key={h.hostId} data-testid="host-row" data-host-id={h.hostId} data-state={h.state}>
              <td>
                <Link href={`/hosts/${h.hostId}`} testId="host-link">
                  {h.hostname}
                </Link>
              </td>
              <td class="nowrap">
                <HostStateBadge host={h} /> <MaintenanceBadge host={h} />
              </td>
              <td class="bar-col">
                {s && s.cpuPercent !== null ? (
                  <>
                    <UsageBar percent={s.cpuPercent} />
                    <span class="bar-value" data-testid="host-cpu">
                      {formatPercent(s.cpuPercent, 0)}
                    </span>
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td class="bar-col">
                {s ? (
                  <>
                    <UsageBar percent={memPct} />
                    <span class="bar-value bar-value-wide" data-testid="host-memory">
                      {formatBytes(s.memoryUsedBytes)} / {formatBytes(s.memoryTotalBytes)}
                    </span>
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td class="num" data-testid="host-vms">
                {h.status ? `${h.status.vms.running} / ${h.status.vms.total}` : '—'}
              </td>
              <td class="nowrap" title={h.lastSeenAt ? formatDateTime(h.lastSeenAt) : undefined}>
                {h.lastSeenAt ? formatRelative(h.lastSeenAt, now) : 'never'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
