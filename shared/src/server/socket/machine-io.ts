import type { Server as HttpsServer } from 'node:https';
import { Server, type ServerOptions } from 'socket.io';
import type { AllowedHosts } from '../http/allowed-hosts.ts';
import { refuseUpgrade, type UpgradeListener } from '../http/upgrade-guard.ts';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The upgrade path a socket.io server at `path` answers, for the guard's `upgradePaths`. */
export function socketIoPathPattern(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(path)}/$`);
}

/**
 * A second socket.io server on the HTTPS server, for machines rather than browsers (the hub's link
 * to its hosts): its own path, WebSocket only, no session. A handshake that carries an `Origin`
 * header is refused with 403 before engine.io sees it: every browser sends one on a WebSocket, so
 * no web page can open this endpoint, whatever cookies or credentials it holds. Who the peer is,
 * is the caller's own middleware's business (`io.use`).
 *
 * The server's upgrade guard (createIo's) must own `path`: give `socketIoPathPattern(path)` in
 * `upgradePaths`. engine.io's own upgrade listener is taken off the server and called only for an
 * upgrade the guard let through and nobody answered yet, so a refused socket is never answered twice.
 */
export function createMachineIo<C extends object, S extends object, D = Record<string, unknown>>(deps: {
  server: HttpsServer;
  path: string;
  allowedHosts: AllowedHosts;
  /** socket.io options besides path, transports and the handshake checks (ping, buffer sizes) */
  options?: Partial<Omit<ServerOptions, 'path' | 'transports' | 'allowRequest' | 'destroyUpgrade'>>;
}): Server<C, S, Record<string, never>, D> {
  const { server, path, allowedHosts } = deps;
  const before = new Set(server.listeners('upgrade'));
  const io = new Server<C, S, Record<string, never>, D>(server, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    ...deps.options,
    path,
    transports: ['websocket'],
    destroyUpgrade: false,
    // checked again here, in case a handshake ever reaches engine.io another way
    allowRequest: (req, cb) => {
      if (req.headers.origin !== undefined) return cb('a browser may not open this endpoint', false);
      if (!allowedHosts.allows(req.headers.host)) return cb('host not allowed', false);
      cb(null, true);
    },
  });
  const engineUpgrade = server.listeners('upgrade').filter((l) => !before.has(l)) as UpgradeListener[];
  for (const l of engineUpgrade) server.off('upgrade', l);
  server.on('upgrade', (req, socket, head) => {
    if (socket.destroyed || socket.writableEnded) return; // the guard answered it
    if (!req.url?.startsWith(`${path}/`)) return;
    if (req.headers.origin !== undefined)
      return refuseUpgrade(socket, 'ORIGIN_FORBIDDEN', 'a browser may not open this endpoint');
    for (const l of engineUpgrade) l(req, socket, head);
  });
  return io;
}
