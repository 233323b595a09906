import { io } from 'socket.io-client';
import type { EventsMap, QxSocket, ShellServerEvents } from './socket-client.ts';

/** socket.io path on the server's own origin (shared's SOCKET_PATH; repeated so zod stays out of the bundle). */
const SOCKET_PATH = '/socket.io';

export function openSocket<S extends EventsMap & ShellServerEvents, C extends EventsMap>(): QxSocket<S, C> {
  return io({
    path: SOCKET_PATH,
    // no long-polling fallback: the servers speak WebSocket only
    transports: ['websocket'],
    autoConnect: false,
    withCredentials: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });
}
