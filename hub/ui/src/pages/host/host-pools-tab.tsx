import type { HubHost } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { poolName } from '../../pools/pool-list.ts';
import { useStore } from '../../store/use-store.ts';

/** The host's libvirt pools as its last status reported them; the shared ones link to their page. */
export function HostPoolsTab(props: { host: HubHost }) {
  const shared = useStore((s) => s.pools.data);
  const sharedNames = new Set((shared ?? []).map(poolName));
  const pools = props.host.status?.pools ?? null;
  return (
    <Card title="Storage pools" testId="host-pools">
      {pools === null ? (
        <p class="muted">The host has not reported its pools yet.</p>
      ) : pools.length === 0 ? (
        <p class="muted">No pools.</p>
      ) : (
        <table class="table" data-testid="host-pools-table">
          <thead>
            <tr>
              <th>Pool</th>
              <th>State</th>
              <th class="capacity-col">Used</th>
              <th class="num">Free</th>
            </tr>
          </thead>
          <tbody>
            {pools.map((p) => {
              const used = Math.max(0, p.capacity - p.available);
              const pct = percentOf(used, p.capacity);
              return (
                <tr key={p.name} data-testid="host-pool-row" data-name={p.name} data-state={p.state}>
                  <td>
                    {sharedNames.has(p.name) ? (
                      <>
                        <Link href={`/pools/${encodeURIComponent(p.name)}`}>{p.name}</Link>{' '}
                        <span class="badge badge-info">shared</span>
                      </>
                    ) : (
                      p.name
                    )}
                  </td>
                  <td>
                    <span class={`badge ${p.state === 'running' ? 'badge-ok' : 'badge-warning'}`}>
                      {p.state}
                    </span>
                  </td>
                  <td class="capacity-col">
                    <div class="capacity">
                      <UsageBar percent={pct} />
                      <span class="capacity-text">
                        {formatBytes(used)} of {formatBytes(p.capacity)} ({formatPercent(pct, 0)})
                      </span>
                    </div>
                  </td>
                  <td class="num">{formatBytes(p.available)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
