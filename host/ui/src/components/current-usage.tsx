import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useStore } from '../store/use-store.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';

/** Per-core CPU, load average and swap from the latest sample. */
export function CurrentUsage() {
  const last = useStore((s) => s.telemetry.samples[s.telemetry.samples.length - 1]);
  if (!last) {
    return (
      <Card title="Current usage" testId="current-usage">
        <p class="muted">Waiting for the first sample…</p>
      </Card>
    );
  }
  const swapPct = percentOf(last.swap.used, last.swap.total);
  return (
    <Card title="Current usage" testId="current-usage">
      <dl class="kv kv-inline">
        <dt>Load 1 / 5 / 15 min</dt>
        <dd data-testid="value-load">{last.load.map((l) => l.toFixed(2)).join(' / ')}</dd>
        <dt>CPU user / system / iowait</dt>
        <dd>
          {formatPercent(last.cpu.user)} / {formatPercent(last.cpu.system)} / {formatPercent(last.cpu.iowait)}
        </dd>
        <dt>Swap</dt>
        <dd data-testid="value-swap">
          {last.swap.total > 0
            ? `${formatBytes(last.swap.used)} of ${formatBytes(last.swap.total)} (${formatPercent(swapPct)})`
            : 'none'}
        </dd>
      </dl>
      <h3 class="subhead">CPU cores</h3>
      <ol class="cores" data-testid="cpu-cores">
        {last.cpu.cores.map((pct, i) => (
          <li key={i} class="core" data-testid="core-bar">
            <span class="core-name">{i}</span>
            <UsageBar percent={pct} />
            <span class="core-value">{formatPercent(pct, 0)}</span>
          </li>
        ))}
      </ol>
    </Card>
  );
}
