import type { Server as HttpsServer } from 'node:https';
import { AppError, type ClientToServerEvents, type ServerToClientEvents } from '@quantix/shared';
import { Server, type Socket } from 'socket.io';
import type { Session, SessionStore } from '../auth/sessions.ts';
import type { AllowedHosts } from '../http/allowed-hosts.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import {
  guardUpgrades,
  handshakeSession,
  refuseUpgrade,
  SOCKET_IO_PATH,
  type UpgradeListener,
} from '../http/upgrade-guard.ts';
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
 * socket.io on the HTTPS server. The handshake is refused before the upgrade unless its Host is
 * one of ours and its Origin exactly `https://<Host>` (socket.io's `cors` option does not stop
 * cross-site WebSocket hijacking) and it carries a live session cookie. Sockets of a session end
 * with it.
 *
 * Every upgrade on the server passes the upgrade guard first (Host, owned path, half-open bound):
 * engine.io's own upgrade listener is taken off the server and called by the guard instead, so it
 * never answers a socket the guard has already refused.
 */
export function createIo(deps: {
  server: HttpsServer;
  sessions: SessionStore;
  log: Logger;
  allowedHosts: AllowedHosts;
}): HostIo {
  const { sessions, allowedHosts } = deps;
  const before = new Set(deps.server.listeners('upgrade'));
  const io: HostIo = new Server(deps.server, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    // the guard answers and closes the upgrades nobody owns at once (engine.io's way waits a
    // second, and would cut a console handshake whose VM lookup takes longer)
    destroyUpgrade: false,
    transports: ['websocket'],
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    // checked again here, in case a handshake ever reaches engine.io another way
    allowRequest: (req, cb) => {
      const s = handshakeSession(req, allowedHosts, sessions);
      if (s instanceof AppError) cb(s.message, false);
      else cb(null, true);
    },
  });
  const engineUpgrade = deps.server.listeners('upgrade').filter((l) => !before.has(l)) as UpgradeListener[];
  for (const l of engineUpgrade) deps.server.off('upgrade', l);
  guardUpgrades({
    server: deps.server,
    allowedHosts,
    passTo: [
      (req, socket, head) => {
        // refused with our own codes (engine.io would answer every refusal 400)
        if (!req.url?.startsWith(`${SOCKET_IO_PATH}/`)) return;
        const s = handshakeSession(req, allowedHosts, sessions);
        if (s instanceof AppError) return refuseUpgrade(socket, s.code, s.message);
        for (const l of engineUpgrade) l(req, socket, head);
      },
    ],
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
