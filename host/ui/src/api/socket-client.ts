import type { Ack, ClientToServerEvents, ServerToClientEvents, SessionEnded } from '@quantix/shared';
import type { Socket } from 'socket.io-client';
import type { ConnectionStatus } from '../store/app-state.ts';
import { ApiError } from './api-error.ts';

export type QxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type Params<F> = F extends (...args: infer A) => void ? A : never;
/** The arguments of a client → server event, without the ack callback. */
type RequestArgs<E extends keyof ClientToServerEvents> =
  Params<ClientToServerEvents[E]> extends [...infer A, (res: never) => void] ? A : never;
/** What the ack carries on success. */
type AckData<E extends keyof ClientToServerEvents> =
  Params<ClientToServerEvents[E]> extends [...unknown[], (res: Ack<infer T>) => void] ? T : never;

export interface SocketClient {
  connect(): void;
  disconnect(): void;
  isConnected(): boolean;
  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): () => void;
  /**
   * Runs `fn` now if connected and again after every reconnect, until the returned function is
   * called: how subscriptions survive a dropped connection.
   */
  whileConnected(fn: (reconnect: boolean) => void): () => void;
  request<E extends keyof ClientToServerEvents>(event: E, ...args: RequestArgs<E>): Promise<AckData<E>>;
}

export interface SocketClientDeps {
  /** a socket.io socket created with `autoConnect: false` */
  readonly socket: QxSocket;
  readonly onStatus: (status: ConnectionStatus) => void;
  readonly onSessionEnded: (info: SessionEnded) => void;
  /** the handshake failed or the server dropped us: perhaps the session is gone */
  readonly onRefused: () => void;
  readonly timeoutMs?: number;
}

interface AckEmitter {
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
}

function isAck(value: unknown): value is Ack<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}

export function createSocketClient(deps: SocketClientDeps): SocketClient {
  const { socket } = deps;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const watchers = new Set<(reconnect: boolean) => void>();
  let connectedBefore = false;

  socket.on('connect', () => {
    deps.onStatus('connected');
    const reconnect = connectedBefore;
    connectedBefore = true;
    for (const fn of [...watchers]) fn(reconnect);
  });
  socket.on('disconnect', (reason) => {
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
  socket.on('session:ended', (info) => deps.onSessionEnded(info));

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
      // socket.io's typings can't relate a generic event name to its handler
      const untyped = socket as unknown as {
        on(e: string, h: unknown): void;
        off(e: string, h: unknown): void;
      };
      untyped.on(event, handler);
      return () => untyped.off(event, handler);
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
      if (!socket.connected) throw new ApiError('NETWORK_ERROR', 'Not connected to the host.');
      let res: unknown;
      try {
        res = await (socket.timeout(timeoutMs) as unknown as AckEmitter).emitWithAck(event, ...args);
      } catch (err) {
        throw new ApiError('TIMEOUT', `The host did not answer ${event} in time.`, { cause: err });
      }
      if (!isAck(res)) throw new ApiError('BAD_RESPONSE', `The host sent an unreadable answer to ${event}.`);
      if (!res.ok) throw new ApiError(res.error.code, res.error.message);
      return res.data as AckData<typeof event>;
    },
  };
}
