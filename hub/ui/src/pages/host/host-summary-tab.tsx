import type { HubHost } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { TelemetryCharts } from '@quantix/shared/ui/components/telemetry-charts.tsx';
import { formatBytes, formatPercent } from '@quantix/shared/ui/format/format-bytes.ts';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useEffect } from 'preact/hooks';
import { InventoryDetails, InventoryFacts } from '../../components/inventory-view.tsx';
import { useApi, useStore } from '../../store/use-store.ts';

/** Who the host is, what it has, and its live CPU, memory, disk and network (while shown). */
export function HostSummaryTab(props: { host: HubHost }) {
  const api = useApi();
  const { host } = props;
  const telemetry = useStore((s) => s.telemetry);
  const connected = host.state === 'connected';
  // samples flow only while this tab is open, and only from a connected host
  useEffect(() => (connected ? api.telemetry.watch(host.hostId) : undefined), [api, host.hostId, connected]);
  const samples = telemetry.hostId === host.hostId ? telemetry.samples : [];
  const s = host.status;

  return (
    <>
      <div class="dash-top">
        <Card title="Host" testId="host-summary">
          <dl class="kv">
            <dt>Hostname</dt>
            <dd data-testid="summary-hostname">{host.hostname}</dd>
            <dt>URL</dt>
            <dd class="mono">{host.url}</dd>
            <dt>Host ID</dt>
            <dd class="mono">{host.hostId}</dd>
            <dt>Key fingerprint</dt>
            <dd class="mono break" data-testid="summary-spki">
              {host.spki}
            </dd>
            <dt>Version</dt>
            <dd>{host.version}</dd>
            <dt>Added</dt>
            <dd>
              {formatDateTime(host.adoptedAt)} (
              {host.via === 'enrollment' ? 'joined by enrollment' : 'with a token'})
            </dd>
            <dt>Last seen</dt>
            <dd>{host.lastSeenAt ? formatDateTime(host.lastSeenAt) : 'never'}</dd>
            {s && (
              <>
                <dt>CPU</dt>
                <dd data-testid="summary-cpu">
                  {s.cpuPercent === null ? '—' : formatPercent(s.cpuPercent)} of {s.cpuCount} CPUs
                </dd>
                <dt>Memory</dt>
                <dd data-testid="summary-memory">
                  {formatBytes(s.memoryUsedBytes)} of {formatBytes(s.memoryTotalBytes)}
                </dd>
                <dt>VMs</dt>
                <dd>
                  {s.vms.running} running of {s.vms.total}
                </dd>
                <dt>libvirt</dt>
                <dd>
                  {s.hypervisorAvailable ? 'available' : <span class="badge badge-error">unavailable</span>}
                </dd>
              </>
            )}
          </dl>
        </Card>
        <div>
          <ErrorMessage
            error={telemetry.hostId === host.hostId ? telemetry.error : null}
            testId="telemetry-error"
          />
          {connected ? (
            <TelemetryCharts samples={samples} />
          ) : (
            <p class="muted" data-testid="charts-offline">
              Live charts need the host's link; it is not connected.
            </p>
          )}
        </div>
      </div>
      <Card title="Inventory" testId="host-inventory">
        <InventoryFacts inventory={host.inventory} />
        <InventoryDetails inventory={host.inventory} />
      </Card>
    </>
  );
}
