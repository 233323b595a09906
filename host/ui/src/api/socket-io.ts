import { io } from 'socket.io-client';
import type { QxSocket } from './socket-client.ts';

/** socket.io path on the host's own origin (shared's SOCKET_PATH; repeated so zod stays out of the bundle). */
const SOCKET_PATH = '/socket.io';

export function openSocket(): QxSocket {
  return io({
    path: SOCKET_PATH,
    // no long-polling fallback: the host speaks WebSocket only
    transports: ['websocket'],
    autoConnect: false,
    withCredentials: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });
}
