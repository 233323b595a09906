import type { ComponentChildren } from 'preact';

/** A button that shows a spinner and `busyText` and is disabled while its operation runs. */
export function BusyButton(props: {
  busy: boolean;
  busyText: string;
  children: ComponentChildren;
  type?: 'button' | 'submit';
  variant?: 'primary' | 'secondary' | 'danger';
  disabled?: boolean;
  testId?: string;
  onClick?: () => void;
}) {
  return (
    <button
      type={props.type ?? 'button'}
      class={`btn btn-${props.variant ?? 'secondary'}`}
      disabled={props.busy || props.disabled}
      aria-busy={props.busy}
      data-testid={props.testId}
      onClick={props.onClick}
    >
      {props.busy ? (
        <>
          <span class="spinner" aria-hidden="true" />
          {props.busyText}
        </>
      ) : (
        props.children
      )}
    </button>
  );
}
