import { formatBytes, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useStore } from '../store/use-store.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';

export function FilesystemsTable() {
  const filesystems = useStore((s) => s.telemetry.samples[s.telemetry.samples.length - 1]?.filesystems);
  return (
    <Card title="Filesystems" testId="filesystems">
      {!filesystems ? (
        <p class="muted">Waiting for the first sample…</p>
      ) : filesystems.length === 0 ? (
        <p class="muted">No filesystems reported.</p>
      ) : (
        <table class="table" data-testid="filesystems-table">
          <thead>
            <tr>
              <th>Mount</th>
              <th>Type</th>
              <th class="num">Size</th>
              <th class="num">Used</th>
              <th class="num">Free</th>
              <th class="bar-col">Use</th>
            </tr>
          </thead>
          <tbody>
            {filesystems.map((fs) => {
              const pct = percentOf(fs.used, fs.size);
              return (
                <tr key={fs.mount}>
                  <td class="mono">{fs.mount}</td>
                  <td>{fs.fstype}</td>
                  <td class="num">{formatBytes(fs.size)}</td>
                  <td class="num">{formatBytes(fs.used)}</td>
                  <td class="num">{formatBytes(fs.available)}</td>
                  <td class="bar-col">
                    <UsageBar percent={pct} />
                    <span class="bar-value">{formatPercent(pct, 0)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
