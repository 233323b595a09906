import type { DataDiskStatus, SessionInfo } from '@quantix/shared';

/** An error as the UI keeps it: plain data, so the state stays serialisable. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  /** a hub's adoption errors only: the phase that failed (`AdoptPhase`) */
  readonly phase?: string;
  /** a hub's adoption errors only: the host URL it was talking to */
  readonly hostUrl?: string;
}

export interface Loadable<T> {
  readonly data: T | null;
  readonly loading: boolean;
  readonly error: ErrorInfo | null;
}

export const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null });

/** No answer yet, neither data nor error: a form says "loading", not "there is none". */
export const awaitingFirst = (l: Loadable<unknown>): boolean => l.data === null && l.error === null;

/** idle: not logged in; disconnected: lost (or never got) the socket and socket.io is retrying. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected';

/** What the shell (boot, session, routing, the socket's status) keeps; each UI's state extends it. */
export interface ShellState {
  readonly location: { readonly path: string; readonly search: string };
  readonly boot: { readonly status: 'pending' | 'ready' | 'failed'; readonly error: ErrorInfo | null };
  readonly setupRequired: boolean;
  readonly session: SessionInfo | null;
  /** a message for the login page, e.g. why the session ended */
  readonly notice: string | null;
  readonly connection: ConnectionStatus;
  /** null until the socket's first `data-disk:status` */
  readonly dataDisk: DataDiskStatus | null;
}

export function initialShellState(location: { path: string; search: string }): ShellState {
  return {
    location,
    boot: { status: 'pending', error: null },
    setupRequired: false,
    session: null,
    notice: null,
    connection: 'idle',
    dataDisk: null,
  };
}
