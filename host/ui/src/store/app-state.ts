import type {
  EventCategory,
  EventLevel,
  HostEvent,
  HostSummary,
  HubSummary,
  MintedToken,
  SessionInfo,
  TelemetrySample,
} from '@quantix/shared';

/** An error as the UI keeps it: plain data, so the state stays serialisable. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

export interface Loadable<T> {
  readonly data: T | null;
  readonly loading: boolean;
  readonly error: ErrorInfo | null;
}

/** idle: not logged in; disconnected: lost (or never got) the socket and socket.io is retrying. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected';

export interface EventFilter {
  readonly level: EventLevel | '';
  readonly category: EventCategory | '';
  readonly limit: number;
}

export interface AppState {
  readonly location: { readonly path: string; readonly search: string };
  readonly boot: { readonly status: 'pending' | 'ready' | 'failed'; readonly error: ErrorInfo | null };
  readonly setupRequired: boolean;
  readonly session: SessionInfo | null;
  /** a message for the login page, e.g. why the session ended */
  readonly notice: string | null;
  readonly connection: ConnectionStatus;
  readonly host: Loadable<HostSummary>;
  readonly telemetry: { readonly samples: readonly TelemetrySample[]; readonly error: ErrorInfo | null };
  readonly token: Loadable<MintedToken | null>;
  readonly hubs: Loadable<readonly HubSummary[]>;
  readonly events: Loadable<readonly HostEvent[]> & { readonly filter: EventFilter };
}

export const idle = <T>(): Loadable<T> => ({ data: null, loading: false, error: null });

export function initialState(location: { path: string; search: string }): AppState {
  return {
    location,
    boot: { status: 'pending', error: null },
    setupRequired: false,
    session: null,
    notice: null,
    connection: 'idle',
    host: idle(),
    telemetry: { samples: [], error: null },
    token: idle(),
    hubs: idle(),
    events: { ...idle(), filter: { level: '', category: '', limit: 100 } },
  };
}

/** What must not outlive a session (a token secret, host details) — dropped at logout. */
export function withoutSessionData(s: AppState): AppState {
  const fresh = initialState(s.location);
  return {
    ...s,
    session: null,
    connection: 'idle',
    host: fresh.host,
    telemetry: fresh.telemetry,
    token: fresh.token,
    hubs: fresh.hubs,
    events: { ...fresh.events, filter: s.events.filter },
  };
}
