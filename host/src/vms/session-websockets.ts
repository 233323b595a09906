import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '@quantix/shared';
import {
  type AllowedHosts,
  handshakeSession,
  refuseUpgrade,
  type Session,
  type SessionStore,
} from '@quantix/shared/server';
import type { WebSocket, WebSocketServer } from 'ws';

/** An upgrade on our path from a live session of our own origin, not yet answered. */
export interface SessionUpgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  /** the path's first capture (a VM's UUID), as written */
  id: string;
  session: Session;
}

/** Remembers an accepted socket under its session; returns the function that forgets it. */
export type TrackSocket = (sessionId: string, ws: WebSocket) => () => void;

/**
 * What the VM consoles' WebSockets (VNC and serial) share: an upgrade on `path` goes on to
 * `accept` only from a live session on exactly our own origin (handshakeSession), and is
 * otherwise answered with the refusal and closed. Each accepted socket is `track`ed under its
 * session and closed (4001) when that session ends. Returns the function that detaches it all.
 */
export function attachSessionWebSockets(deps: {
  server: Server;
  sessions: SessionStore;
  allowedHosts: AllowedHosts;
  path: RegExp;
  wss: WebSocketServer;
  accept: (upgrade: SessionUpgrade, track: TrackSocket) => void;
}): () => void {
  const bySession = new Map<string, Set<WebSocket>>();
  const track: TrackSocket = (sessionId, ws) => {
    let set = bySession.get(sessionId);
    if (!set) {
      set = new Set();
      bySession.set(sessionId, set);
    }
    set.add(ws);
    const mine = set;
    return () => {
      mine.delete(ws);
    };
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const m = deps.path.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m?.[1]) return; // not ours (socket.io and the other console handle their own paths)
    // already answered by the upgrade guard (wrong Host, too many handshakes)
    if (socket.destroyed || socket.writableEnded) return;
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake
    const session = handshakeSession(req, deps.allowedHosts, deps.sessions);
    if (session instanceof AppError) return refuseUpgrade(socket, session.code, session.message);
    deps.accept({ req, socket, head, id: m[1], session }, track);
  };

  deps.server.on('upgrade', onUpgrade);
  const offEnd = deps.sessions.onEnd((s) => {
    for (const ws of bySession.get(s.id) ?? []) ws.close(4001, 'session ended');
    bySession.delete(s.id);
  });
  return () => {
    deps.server.off('upgrade', onUpgrade);
    offEnd();
    for (const c of deps.wss.clients) c.terminate();
  };
}
