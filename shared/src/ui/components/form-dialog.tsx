import type { ComponentChildren } from 'preact';
import type { ErrorInfo } from '../store/shell-state.ts';
import { BusyButton } from './busy-button.tsx';
import { ErrorMessage } from './error-message.tsx';
import { useModalDialog } from './modal-dialog.tsx';

/** A modal `<dialog>` holding a form: Escape or Cancel closes it unless the submit is running. */
export function FormDialog(props: {
  title: string;
  submitText: string;
  busyText: string;
  busy: boolean;
  error: ErrorInfo | null;
  onSubmit: () => void;
  onCancel: () => void;
  testId?: string;
  submitTestId?: string;
  wide?: boolean;
  children: ComponentChildren;
}) {
  const modal = useModalDialog(props);
  return (
    <dialog
      {...modal}
      class={`dialog ${props.wide ? 'dialog-wide' : ''}`}
      aria-labelledby="form-dialog-title"
      data-testid={props.testId}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!props.busy) props.onSubmit();
        }}
      >
        <h2 id="form-dialog-title">{props.title}</h2>
        <div class="dialog-body">{props.children}</div>
        <ErrorMessage error={props.error} testId="dialog-error" />
        <div class="dialog-actions">
          <button
            type="button"
            class="btn btn-secondary"
            disabled={props.busy}
            onClick={props.onCancel}
            data-testid="dialog-cancel"
          >
            Cancel
          </button>
          <BusyButton
            type="submit"
            variant="primary"
            busy={props.busy}
            busyText={props.busyText}
            testId={props.submitTestId ?? 'dialog-submit'}
          >
            {props.submitText}
          </BusyButton>
        </div>
      </form>
    </dialog>
  );
}
