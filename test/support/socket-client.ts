import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import { io, type Socket } from 'socket.io-client';
import type { RunningHost } from './host-process.ts';
import type { CookieJar } from './https-client.ts';

export type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client the way the web UI connects: WebSocket only, our origin, the session cookie. */
export function openSocket(host: RunningHost, jar: CookieJar): HostSocket {
  return io(host.url, {
    transports: ['websocket'],
    reconnection: false,
    ca: host.ca,
    extraHeaders: { cookie: jar.header(), origin: host.origin },
  });
}

export function connected(s: HostSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.connected) return resolve();
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}
