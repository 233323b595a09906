import { useEffect } from 'preact/hooks';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { LogFilters } from '../../components/log-filters.tsx';
import { LogTable } from '../../components/log-table.tsx';
import { useApi, useStore } from '../../store/use-store.ts';

export function LogsPage() {
  const api = useApi();
  const view = useStore((s) => s.logs);
  const sources = useStore((s) => s.logSources);
  const connected = useStore((s) => s.connection === 'connected');
  useEffect(() => api.logs.watch(), [api]);

  return (
    <div class="page" data-testid="page-logs">
      <Card
        title="Host logs"
        actions={
          <>
            <label class="check" title="New entries appear at the top as they are written">
              <input
                type="checkbox"
                checked={view.live}
                onChange={(e) => api.logs.setLive(e.currentTarget.checked)}
                data-testid="logs-live"
              />
              Live
              {view.live && (
                <span class={`badge ${connected ? 'badge-ok' : ''}`} data-testid="logs-live-state">
                  {connected ? 'following' : 'paused'}
                </span>
              )}
            </label>
            <button
              type="button"
              class="btn btn-secondary"
              disabled={view.loading}
              onClick={() => void api.logs.reload()}
              data-testid="logs-reload"
            >
              {view.loading ? 'Loading…' : 'Reload'}
            </button>
            <BusyButton
              busy={view.downloading}
              busyText="Downloading…"
              onClick={() => void api.logs.download()}
              testId="logs-download"
            >
              Download
            </BusyButton>
          </>
        }
      >
        <LogFilters
          filter={view.filter}
          sources={sources.data?.sources ?? []}
          idPrefix="logs"
          onApply={(f) => void api.logs.setFilter(f)}
        />
        <ErrorMessage error={sources.error} testId="log-sources-error" />
        {view.live && (view.filter.since || view.filter.until) && (
          <p class="hint">
            Live entries ignore the time range; the table below it is what matched when loaded.
          </p>
        )}
        <LogTable
          view={view}
          showSource={true}
          onOlder={() => void api.logs.loadOlder()}
          emptyText="No log entries match."
        />
      </Card>
    </div>
  );
}
