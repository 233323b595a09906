import { useState } from 'preact/hooks';
import { toErrorInfo } from '../api/api-error.ts';
import type { ErrorInfo } from '../store/app-state.ts';
import { ErrorMessage } from './error-message.tsx';

export type RowBusy = 'start' | 'stop' | 'autostart' | 'delete';

/** The busy state, last error and delete confirmation of one row in a start/stop/delete table. */
export function useRowAction() {
  const [busy, setBusy] = useState<RowBusy | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);

  // One action at a time; whatever the outcome the confirmation closes (on success the row is gone).
  async function act(kind: RowBusy, run: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  }

  return { busy, error, confirming, setConfirming, act };
}

export type RowAction = ReturnType<typeof useRowAction>;

/** "Start with the host": a checkbox that runs through the row's action. */
export function AutostartCell(props: {
  row: RowAction;
  name: string;
  checked: boolean;
  testId: string;
  onSet: (on: boolean) => Promise<void>;
}) {
  const { row } = props;
  return (
    <td>
      <input
        type="checkbox"
        aria-label={`Start ${props.name} with the host`}
        checked={props.checked}
        disabled={row.busy !== null}
        onChange={(e) => {
          const on = e.currentTarget.checked;
          void row.act('autostart', () => props.onSet(on));
        }}
        data-testid={props.testId}
      />
    </td>
  );
}

/** Start or Stop, then Delete (which asks first). Test ids are `<kind>-start|stop|delete`. */
export function StartStopDelete(props: {
  row: RowAction;
  kind: string;
  active: boolean;
  onToggle: (verb: 'start' | 'stop') => Promise<void>;
}) {
  const { row, kind, active } = props;
  const verb = active ? 'stop' : 'start';
  return (
    <td class="actions nowrap">
      <button
        type="button"
        class="btn btn-secondary btn-small"
        disabled={row.busy !== null}
        onClick={() => void row.act(verb, () => props.onToggle(verb))}
        data-testid={`${kind}-${verb}`}
      >
        {row.busy === 'start' ? 'Starting…' : row.busy === 'stop' ? 'Stopping…' : active ? 'Stop' : 'Start'}
      </button>{' '}
      <button
        type="button"
        class="btn btn-danger btn-small"
        disabled={row.busy !== null}
        onClick={() => row.setConfirming(true)}
        data-testid={`${kind}-delete`}
      >
        Delete
      </button>
    </td>
  );
}

/** The row's last error, across the whole table, prefixed with the row's name. */
export function RowError(props: { row: RowAction; name: string; colSpan: number; testId: string }) {
  const { error } = props.row;
  if (!error) return null;
  return (
    <tr class="row-error">
      <td colSpan={props.colSpan}>
        <ErrorMessage
          error={{ ...error, message: `${props.name}: ${error.message}` }}
          testId={props.testId}
        />
      </td>
    </tr>
  );
}
