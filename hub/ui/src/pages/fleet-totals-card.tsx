import { Card } from '@quantix/shared/ui/components/card.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import type { FleetTotals } from '../fleet/fleet-totals.ts';
import { STATE_BADGE, STATE_LABEL, STATE_ORDER } from '../fleet/host-states.ts';

function Stat(props: { label: string; value: string; detail?: string; percent?: number; testId: string }) {
  return (
    <div class="stat" data-testid={props.testId}>
      <span class="stat-label">{props.label}</span>
      <span class="stat-value" data-testid={`${props.testId}-value`}>
        {props.value}
      </span>
      {props.percent !== undefined && <UsageBar percent={props.percent} />}
      {props.detail && <span class="muted">{props.detail}</span>}
    </div>
  );
}

/** The fleet at a glance: hosts by state, and use over the connected hosts. */
export function FleetTotalsCard(props: { totals: FleetTotals }) {
  const t = props.totals;
  const cpuPct = percentOf(t.cpu.usedCores, t.cpu.cores);
  const memPct = percentOf(t.memory.used, t.memory.total);
  const diskPct = percentOf(t.storage.used, t.storage.total);
  return (
    <Card title="Fleet" testId="fleet-totals">
      <div class="stat-grid">
        <div class="stat" data-testid="total-hosts">
          <span class="stat-label">Hosts</span>
          <span class="stat-value" data-testid="total-hosts-value">
            {t.hosts}
          </span>
          <span class="state-counts">
            {STATE_ORDER.filter((s) => t.byState[s] > 0).map((s) => (
              <span key={s} class={`badge ${STATE_BADGE[s]}`} data-testid={`count-${s}`}>
                {t.byState[s]} {STATE_LABEL[s].toLowerCase()}
              </span>
            ))}
            {t.maintenance > 0 && <span class="badge badge-warning">{t.maintenance} in maintenance</span>}
          </span>
        </div>
        <Stat
          label="CPU (connected hosts)"
          value={t.cpu.cores > 0 ? formatPercent(cpuPct, 0) : '—'}
          percent={cpuPct}
          detail={`${t.cpu.usedCores.toFixed(1)} of ${t.cpu.cores} cores`}
          testId="total-cpu"
        />
        <Stat
          label="Memory"
          value={t.memory.total > 0 ? formatPercent(memPct, 0) : '—'}
          percent={memPct}
          detail={`${formatBytes(t.memory.used)} of ${formatBytes(t.memory.total)}`}
          testId="total-memory"
        />
        <Stat
          label="Storage (pools)"
          value={t.storage.total > 0 ? formatPercent(diskPct, 0) : '—'}
          percent={diskPct}
          detail={`${formatBytes(t.storage.used)} of ${formatBytes(t.storage.total)}`}
          testId="total-storage"
        />
        <Stat
          label="Running VMs"
          value={String(t.vms.running)}
          detail={`of ${t.vms.total} defined`}
          testId="total-vms"
        />
      </div>
    </Card>
  );
}
