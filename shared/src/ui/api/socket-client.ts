import type { Ack, SessionEnded } from '@quantix/shared';
import type { Socket } from 'socket.io-client';
import type { ConnectionStatus } from '../store/shell-state.ts';
import { ApiError } from './api-error.ts';

/** The server → client event every Quantix server sends a session's sockets. */
export interface ShellServerEvents {
  'session:ended': (info: SessionEnded) => void;
}

/** socket.io's EventsMap: an interface of events satisfies only an index signature of `any`. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type EventsMap = Record<string, any>;

/** A socket.io client socket speaking one server's events (the host's or the hub's). */
export type QxSocket<S extends EventsMap & ShellServerEvents, C extends EventsMap> = Socket<S, C>;

type Params<F> = F extends (...args: infer A) => void ? A : never;
/** The arguments of a client → server event, without the ack callback. */
type RequestArgs<C, E extends keyof C> = Params<C[E]> extends [...infer A, (res: never) => void] ? A : never;
/** What the ack carries on success. */
type AckData<C, E extends keyof C> =
  Params<C[E]> extends [...unknown[], (res: Ack<infer T>) => void] ? T : never;

export interface SocketClient<S, C> {
  connect(): void;
  disconnect(): void;
  isConnected(): boolean;
  on<E extends keyof S & string>(event: E, handler: S[E]): () => void;
  /**
   * Runs `fn` now if connected and again after every reconnect, until the returned function is
   * called: how subscriptions survive a dropped connection.
   */
  whileConnected(fn: (reconnect: boolean) => void): () => void;
  request<E extends keyof C & string>(event: E, ...args: RequestArgs<C, E>): Promise<AckData<C, E>>;
}

/** What the session api needs of either server's socket client. */
export type ShellSocketClient = Pick<SocketClient<unknown, unknown>, 'connect' | 'disconnect'>;

export interface SocketClientDeps<S extends EventsMap & ShellServerEvents, C extends EventsMap> {
  /** a socket.io socket created with `autoConnect: false` */
  readonly socket: QxSocket<S, C>;
  readonly onStatus: (status: ConnectionStatus) => void;
  readonly onSessionEnded: (info: SessionEnded) => void;
  /** the handshake failed or the server dropped us: perhaps the session is gone */
  readonly onRefused: () => void;
  readonly timeoutMs?: number;
  /** who answers, for messages: "host" (the default) or "hub" */
  readonly peer?: string;
}

/** What is used of a socket.io client socket, without its event typings. */
interface UntypedSocket {
  readonly connected: boolean;
  readonly active: boolean;
  on(event: string, handler: (...args: never[]) => void): unknown;
  off(event: string, handler: (...args: never[]) => void): unknown;
  connect(): unknown;
  disconnect(): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

function isAck(value: unknown): value is Ack<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}

export function createSocketClient<S extends EventsMap & ShellServerEvents, C extends EventsMap>(
  deps: SocketClientDeps<S, C>,
): SocketClient<S, C> {
  // socket.io's typings cannot relate generic event maps to its reserved events: speak untyped inside
  const socket = deps.socket as unknown as UntypedSocket;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const peer = deps.peer ?? 'host';
  const watchers = new Set<(reconnect: boolean) => void>();
  let connectedBefore = false;

  socket.on('connect', () => {
    deps.onStatus('connected');
    const reconnect = connectedBefore;
    connectedBefore = true;
    for (const fn of [...watchers]) fn(reconnect);
  });
  socket.on('disconnect', (reason: string) => {
    if (reason === 'io client disconnect') {
      deps.onStatus('idle');
      return;
    }
    deps.onStatus('disconnected');
    // socket.io retries by itself except after a server-side disconnect
    if (reason === 'io server disconnect') deps.onRefused();
  });
  socket.on('connect_error', () => {
    deps.onStatus('disconnected');
    deps.onRefused();
  });
  socket.on('session:ended', (info: SessionEnded) => deps.onSessionEnded(info));

  return {
    connect() {
      if (socket.active) return;
      deps.onStatus('connecting');
      socket.connect();
    },
    disconnect() {
      connectedBefore = false;
      socket.disconnect();
      deps.onStatus('idle');
    },
    isConnected: () => socket.connected,
    on(event, handler) {
      socket.on(event, handler);
      return () => socket.off(event, handler);
    },
    whileConnected(fn) {
      watchers.add(fn);
      if (socket.connected) fn(false);
      return () => {
        watchers.delete(fn);
      };
    },
    async request(event, ...args) {
      // never let socket.io buffer a request while offline: whileConnected re-sends it anyway
      if (!socket.connected) throw new ApiError('NETWORK_ERROR', `Not connected to the ${peer}.`);
      let res: unknown;
      try {
        res = await socket.timeout(timeoutMs).emitWithAck(event, ...args);
      } catch (err) {
        throw new ApiError('TIMEOUT', `The ${peer} did not answer ${event} in time.`, { cause: err });
      }
      if (!isAck(res))
        throw new ApiError('BAD_RESPONSE', `The ${peer} sent an unreadable answer to ${event}.`);
      if (!res.ok) throw new ApiError(res.error.code, res.error.message);
      return res.data as AckData<C, typeof event>;
    },
  };
}
