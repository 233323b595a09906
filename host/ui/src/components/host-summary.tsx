import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { formatDuration } from '@quantix/shared/ui/format/format-time.ts';
import { useStore } from '../store/use-store.ts';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';

export function HostSummaryCard() {
  const host = useStore((s) => s.host);
  const uptime = useStore((s) => s.telemetry.samples[s.telemetry.samples.length - 1]?.uptime);
  const h = host.data;
  return (
    <Card title="Host" testId="host-summary">
      <ErrorMessage error={host.error} />
      {!h ? (
        <p class="muted">{host.loading ? 'Loading…' : ''}</p>
      ) : (
        <dl class="kv">
          <dt>Hostname</dt>
          <dd data-testid="summary-hostname">{h.hostname}</dd>
          <dt>Host ID</dt>
          <dd class="mono" data-testid="summary-host-id">
            {h.hostId}
          </dd>
          <dt>SPKI fingerprint</dt>
          <dd class="mono break" data-testid="summary-spki">
            {h.spki}
          </dd>
          <dt>Version</dt>
          <dd data-testid="summary-version">{h.version}</dd>
          <dt>Uptime</dt>
          <dd data-testid="summary-uptime">{uptime === undefined ? '—' : formatDuration(uptime)}</dd>
          <dt>CPU</dt>
          <dd data-testid="summary-cpu">
            {h.cpu.model} · {h.cpu.threads} threads
          </dd>
          <dt>Memory</dt>
          <dd data-testid="summary-memory">{formatBytes(h.memoryTotal)}</dd>
          <dt>OS</dt>
          <dd>
            {h.os.platform} {h.os.release} ({h.os.arch})
          </dd>
          <dt>Management</dt>
          <dd data-testid="summary-enrollment">
            {h.enrolled ? (
              <span class="badge badge-ok">Enrolled in a hub</span>
            ) : (
              <span class="badge">Standalone</span>
            )}
          </dd>
        </dl>
      )}
    </Card>
  );
}
