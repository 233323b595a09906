import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import type { VmPower } from './use-vm-power.ts';
import { ACTION_BUSY } from './vm-actions.ts';
import { shutdownNotice } from './vm-shutdown.ts';

/**
 * What a VM's power actions have to say: the last error, a pending shutdown (with Force off once
 * it is late), and the confirmation of a forceful action. Renders nothing when there is nothing.
 */
export function VmPowerNotices(props: {
  power: VmPower;
  name: string;
  errorTestId: string;
  /** under a row of a list: the error names the VM */
  inRow?: boolean;
}) {
  const { power } = props;
  const notice = shutdownNotice(props.name, power.shutdown);
  const error =
    power.error && props.inRow
      ? { ...power.error, message: `${props.name}: ${power.error.message}` }
      : power.error;
  return (
    <>
      <ErrorMessage error={error} testId={props.errorTestId} />
      {notice && (
        <div
          class={`alert ${power.shutdown === 'overdue' ? 'alert-warn' : 'alert-info'}`}
          role="status"
          data-testid="vm-shutdown-notice"
          data-phase={power.shutdown}
        >
          <span>
            {power.shutdown === 'waiting' && <span class="spinner" aria-hidden="true" />}
            {notice}
          </span>
          {power.shutdown === 'overdue' && (
            <span class="alert-actions">
              <button
                type="button"
                class="btn btn-secondary btn-small"
                disabled={power.busy !== null}
                onClick={power.waitLonger}
                data-testid="vm-shutdown-wait"
              >
                Keep waiting
              </button>
              <button
                type="button"
                class="btn btn-danger btn-small"
                disabled={power.busy !== null}
                onClick={() => power.request('destroy')}
                data-testid="vm-shutdown-force"
              >
                Force off…
              </button>
            </span>
          )}
        </div>
      )}
      {power.confirming && power.confirmation && (
        <ConfirmDialog
          title={power.confirmation.title}
          confirmText={power.confirmation.confirmText}
          busyText={ACTION_BUSY[power.confirming]}
          busy={power.busy === power.confirming}
          onConfirm={() => void power.confirm()}
          onCancel={power.cancel}
        >
          <p>{power.confirmation.body}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
