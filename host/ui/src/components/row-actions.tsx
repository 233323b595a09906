import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import type { ErrorInfo } from '../store/app-state.ts';
import { type Confirmation, ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';

export type RowBusy = 'start' | 'stop' | 'autostart' | 'delete';

/** The busy state, last error and pending confirmation (stop or delete) of one table row. */
export function useRowAction() {
  const [busy, setBusy] = useState<RowBusy | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirming, setConfirming] = useState<'stop' | 'delete' | null>(null);

  // One action at a time; whatever the outcome the confirmation closes (on success the row may be gone).
  async function act(kind: RowBusy, run: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(null);
      setConfirming(null);
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

/**
 * Start or Stop, then Delete; Stop and Delete ask first, with the texts given. Test ids are
 * `<kind>-start|stop|delete`; the dialogs' buttons are `confirm-accept` and `confirm-cancel`.
 */
export function StartStopDelete(props: {
  row: RowAction;
  kind: string;
  active: boolean;
  onToggle: (verb: 'start' | 'stop') => Promise<void>;
  onDelete: () => Promise<void>;
  stopConfirmation: Confirmation;
  deleteConfirmation: Confirmation;
}) {
  const { row, kind, active } = props;
  const verb = active ? 'stop' : 'start';
  const pending = row.confirming === 'stop' ? props.stopConfirmation : props.deleteConfirmation;
  return (
    <td class="actions nowrap">
      <button
        type="button"
        class="btn btn-secondary btn-small"
        disabled={row.busy !== null}
        onClick={() =>
          verb === 'stop' ? row.setConfirming('stop') : void row.act('start', () => props.onToggle('start'))
        }
        data-testid={`${kind}-${verb}`}
      >
        {row.busy === 'start' ? 'Starting…' : row.busy === 'stop' ? 'Stopping…' : active ? 'Stop…' : 'Start'}
      </button>{' '}
      <button
        type="button"
        class="btn btn-danger btn-small"
        disabled={row.busy !== null}
        onClick={() => row.setConfirming('delete')}
        data-testid={`${kind}-delete`}
      >
        Delete…
      </button>
      {row.confirming && (
        <ConfirmDialog
          title={pending.title}
          confirmText={pending.confirmText}
          busyText={row.confirming === 'stop' ? 'Stopping…' : 'Deleting…'}
          busy={row.busy === row.confirming}
          onConfirm={() =>
            void (row.confirming === 'stop'
              ? row.act('stop', () => props.onToggle('stop'))
              : row.act('delete', props.onDelete))
          }
          onCancel={() => row.setConfirming(null)}
        >
          <p>{pending.body}</p>
        </ConfirmDialog>
      )}
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
