import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import type { SocketClient } from './socket-client.ts';

/**
 * A SocketClient for api tests: handlers by event, scripted acks, and a connected flag. Speaks the
 * host's events unless told otherwise.
 */
export function fakeSocketClient<S = ServerToClientEvents, C = ClientToServerEvents>(
  answer: (event: string, args: unknown[]) => unknown = () => null,
) {
  const handlers = new Map<string, Set<(...a: unknown[]) => void>>();
  const watchers = new Set<(reconnect: boolean) => void>();
  const requests: Array<[string, unknown[]]> = [];
  let connected = true;
  const client = {
    connect() {},
    disconnect() {},
    isConnected: () => connected,
    on(event: string, handler: (...a: unknown[]) => void) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(handler);
      return () => handlers.get(event)?.delete(handler);
    },
    whileConnected(fn: (reconnect: boolean) => void) {
      watchers.add(fn);
      if (connected) fn(false);
      return () => watchers.delete(fn);
    },
    async request(event: string, ...args: unknown[]) {
      requests.push([event, args]);
      return answer(event, args);
    },
  };
  return {
    client: client as unknown as SocketClient<S, C>,
    requests,
    emit(event: string, ...args: unknown[]) {
      for (const h of [...(handlers.get(event) ?? [])]) h(...args);
    },
    reconnect() {
      connected = true;
      for (const w of [...watchers]) w(true);
    },
    setConnected(on: boolean) {
      connected = on;
    },
  };
}
