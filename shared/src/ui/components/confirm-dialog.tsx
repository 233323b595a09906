import type { ComponentChildren } from 'preact';
import { BusyButton } from './busy-button.tsx';
import { useModalDialog } from './modal-dialog.tsx';

/** What a confirmation dialog says before an action that cannot simply be taken back. */
export interface Confirmation {
  readonly title: string;
  readonly body: string;
  readonly confirmText: string;
}

/** A modal `<dialog>` asking to confirm a destructive action; Escape or Cancel closes it. */
export function ConfirmDialog(props: {
  title: string;
  confirmText: string;
  busyText: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const modal = useModalDialog(props);
  return (
    <dialog {...modal} class="dialog" aria-labelledby="confirm-title" data-testid="confirm-dialog">
      <h2 id="confirm-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="dialog-actions">
        <button
          type="button"
          class="btn btn-secondary"
          disabled={props.busy}
          onClick={props.onCancel}
          data-testid="confirm-cancel"
        >
          Cancel
        </button>
        <BusyButton
          busy={props.busy}
          busyText={props.busyText}
          variant="danger"
          onClick={props.onConfirm}
          testId="confirm-accept"
        >
          {props.confirmText}
        </BusyButton>
      </div>
    </dialog>
  );
}
