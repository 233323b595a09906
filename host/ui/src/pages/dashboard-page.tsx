import { useEffect } from 'preact/hooks';
import { CurrentUsage } from '../components/current-usage.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { FilesystemsTable } from '../components/filesystems-table.tsx';
import { HostSummaryCard } from '../components/host-summary.tsx';
import { HistoryPanel } from '../components/history-panel.tsx';
import { TelemetryCharts } from '@quantix/shared/ui/components/telemetry-charts.tsx';
import { useApi, useStore } from '../store/use-store.ts';

export function DashboardPage() {
  const api = useApi();
  const error = useStore((s) => s.telemetry.error);
  const samples = useStore((s) => s.telemetry.samples);
  // samples flow only while this page is open
  useEffect(() => api.telemetry.watch(), [api]);
  return (
    <div class="page" data-testid="page-dashboard">
      <ErrorMessage error={error} testId="telemetry-error" />
      <div class="dash-top">
        <HostSummaryCard />
        <TelemetryCharts samples={samples} />
      </div>
      <div class="dash-bottom">
        <CurrentUsage />
        <FilesystemsTable />
      </div>
      {/* metrics history (slice-hist) */}
      <HistoryPanel historyKey="host" title="History" />
    </div>
  );
}
