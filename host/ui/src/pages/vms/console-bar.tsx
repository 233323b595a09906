import type { ComponentChildren } from 'preact';

/** The console bar's status badge (VNC and serial alike): green when connected, red on an error. */
export function ConsoleStatusBadge(props: {
  testId: string;
  /** the status's kind, as `data-state` for tests */
  state: string;
  connected: boolean;
  error: boolean;
  /** the serial console's mode (`data-mode`) */
  mode?: string;
  children: ComponentChildren;
}) {
  return (
    <span
      class={`badge ${props.connected ? 'badge-ok' : props.error ? 'badge-error' : ''}`}
      data-testid={props.testId}
      data-state={props.state}
      data-mode={props.mode}
    >
      {props.children}
    </span>
  );
}

/** Opens the console again after it ended or failed. */
export function ReconnectButton(props: { testId: string; onClick: () => void }) {
  return (
    <button
      type="button"
      class="btn btn-primary btn-small"
      onClick={props.onClick}
      data-testid={props.testId}
    >
      Reconnect
    </button>
  );
}
