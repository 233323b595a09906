import type { Server as HttpsServer } from 'node:https';
import { AppError, type ServerToClientEvents } from '@quantix/shared';
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

/** socket.io typed with a process's own event maps (the host's, the hub's). */
export type Io<C extends object, S extends object> = Server<C, S, Record<string, never>, SocketData>;
export type IoSocket<C extends object, S extends object> = Socket<C, S, Record<string, never>, SocketData>;
export interface SocketData {
  sessionId: string;
  username: string;
}
/** What every server pushes, whatever its other events: a socket's session ended. */
export type SessionEvents = Pick<ServerToClientEvents, 'session:ended'>;

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * socket.io on the HTTPS server. The handshake is refused before the upgrade unless its Host is
 * one of ours and its Origin exactly `https://<Host>` (socket.io's `cors` option does not stop
 * cross-site WebSocket hijacking) and it carries a live session cookie. Sockets of a session end
 * with it.
 *
 * Every upgrade on the server passes the upgrade guard first (Host, owned path, half-open bound):
 * engine.io's own upgrade listener is taken off the server and called by the guard instead, so it
 * never answers a socket the guard has already refused. `upgradePaths` are the server's other
 * WebSocket endpoints (the host's VM console), which their own upgrade listeners answer.
 */
export function createIo<C extends object, S extends SessionEvents>(deps: {
  server: HttpsServer;
  sessions: SessionStore;
  log: Logger;
  allowedHosts: AllowedHosts;
  upgradePaths?: RegExp[];
}): Io<C, S> {
  const { sessions, allowedHosts } = deps;
  const before = new Set(deps.server.listeners('upgrade'));
  const io: Io<C, S> = new Server(deps.server, {
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
    ...(deps.upgradePaths ? { otherPaths: deps.upgradePaths } : {}),
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
  endSocketsWithSession(io, sessions);
  deps.log.debug('socket.io attached');
  return io;
}

function endSocketsWithSession(io: Io<object, SessionEvents>, sessions: SessionStore): void {
  sessions.onEnd((s, reason) => {
    const room = io.to(sessionRoom(s.id));
    room.emit('session:ended', { reason });
    // after the emit is flushed
    setImmediate(() => io.in(sessionRoom(s.id)).disconnectSockets(true));
  });
}
