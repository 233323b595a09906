import type { Server as HttpsServer } from 'node:https';
import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import { Server, type Socket } from 'socket.io';
import type { Session, SessionStore } from '../auth/sessions.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { ownOrigin } from '../http/security.ts';
import type { Logger } from '../logging/logger.ts';

export type HostIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HostSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export interface SocketData {
  sessionId: string;
  username: string;
}

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * socket.io on the HTTPS server. The handshake is refused before the upgrade unless its Origin
 * is exactly our own origin (socket.io's `cors` option does not stop cross-site WebSocket
 * hijacking) and it carries a live session cookie. Sockets of a session end with it.
 */
export function createIo(deps: { server: HttpsServer; sessions: SessionStore; log: Logger }): HostIo {
  const { sessions } = deps;
  const io: HostIo = new Server(deps.server, {
    path: '/socket.io',
    serveClient: false,
    // other upgrades on this server (the VM console) are not socket.io's to destroy
    destroyUpgrade: false,
    transports: ['websocket'],
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      if (!origin || origin !== ownOrigin(req)) return cb('origin not allowed', false);
      const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!sid || !sessions.touch(sid)) return cb('not authenticated', false);
      cb(null, true);
    },
  });
  io.use((socket, next) => {
    const sid = readCookie(socket.request.headers.cookie, SESSION_COOKIE);
    const session: Session | null = sid ? sessions.touch(sid) : null;
    if (!session) return next(new Error('not authenticated'));
    socket.data.sessionId = session.id;
    socket.data.username = session.username;
    void socket.join(sessionRoom(session.id));
    next();
  });
  sessions.onEnd((s, reason) => {
    const room = io.to(sessionRoom(s.id));
    room.emit('session:ended', { reason });
    // after the emit is flushed
    setImmediate(() => io.in(sessionRoom(s.id)).disconnectSockets(true));
  });
  deps.log.debug('socket.io attached');
  return io;
}
