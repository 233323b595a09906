import type { LogEntry } from '@quantix/shared';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import type { LogView } from '../store/log-view.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';

const LEVEL_BADGE: Record<LogEntry['level'], string> = {
  debug: '',
  info: 'badge-info',
  notice: 'badge-info',
  warning: 'badge-warning',
  error: 'badge-error',
  critical: 'badge-error',
};

/**
 * One entry's message. One of several lines (a QEMU command line, an XML dump) shows its first
 * line and opens to the rest, so a long entry does not push the others off the screen.
 */
function LogMessage(props: { message: string }) {
  const nl = props.message.indexOf('\n');
  if (nl < 0) return <>{props.message}</>;
  const rest = props.message.slice(nl + 1);
  const more = rest.split('\n').length;
  return (
    <details class="log-lines" data-testid="log-lines">
      <summary>
        {props.message.slice(0, nl)}{' '}
        <span class="muted">
          (+{more} line{more === 1 ? '' : 's'})
        </span>
      </summary>
      {rest}
    </details>
  );
}

/** Log entries, newest first, with "Load older" at the bottom (cursor paging). */
export function LogTable(props: {
  view: LogView;
  onOlder: () => void;
  showSource: boolean;
  emptyText: string;
}) {
  const { view } = props;
  return (
    <>
      {view.warnings.length > 0 && (
        <div class="alert alert-warn" role="status" data-testid="logs-warnings">
          <span>{view.warnings.join(' · ')}</span>
        </div>
      )}
      {view.dropped > 0 && (
        <div class="alert alert-warn" role="status" data-testid="logs-dropped">
          <span>
            {view.dropped} live entries were not shown: they came faster than the host sends them. Turn Live
            off and reload to read them all.
          </span>
        </div>
      )}
      <ErrorMessage error={view.error} testId="logs-error" />
      {view.entries.length === 0 ? (
        <p class="muted" data-testid="logs-empty">
          {view.loading ? 'Loading…' : props.emptyText}
        </p>
      ) : (
        <table class="table table-logs" data-testid="logs-table">
          <thead>
            <tr>
              <th class="col-time">Time</th>
              <th class="col-level">Level</th>
              {props.showSource && <th class="col-source">Source</th>}
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {view.entries.map((e) => (
              <tr key={e.cursor} data-testid="log-row" data-level={e.level} class={`level-${e.level}`}>
                <td class="nowrap mono">{formatDateTime(e.timestamp)}</td>
                <td>
                  <span class={`badge ${LEVEL_BADGE[e.level] ?? ''}`}>{e.level}</span>
                </td>
                {props.showSource && (
                  <td class="mono ellipsis" title={e.source}>
                    {e.source}
                    {e.pid !== undefined ? `[${e.pid}]` : ''}
                  </td>
                )}
                <td class="log-message mono">
                  <LogMessage message={e.message} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="table-foot">
        <span class="muted" data-testid="logs-count">
          {view.entries.length} entr{view.entries.length === 1 ? 'y' : 'ies'}
          {view.backend ? ` · from ${view.backend === 'journald' ? 'the systemd journal' : 'log files'}` : ''}
        </span>
        {view.nextBefore !== null && (
          <BusyButton
            busy={view.loadingOlder}
            busyText="Loading…"
            onClick={props.onOlder}
            testId="logs-load-older"
          >
            Load older
          </BusyButton>
        )}
      </div>
    </>
  );
}
