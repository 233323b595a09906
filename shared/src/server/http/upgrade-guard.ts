import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError, type ErrorCode } from '@quantix/shared';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Session, SessionStore } from '../auth/sessions.ts';
import { type AllowedHosts, HOST_NOT_ALLOWED_MESSAGE } from './allowed-hosts.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import { isSameOriginHandshake } from './security.ts';

/** socket.io's endpoint; a server's other WebSocket paths are given to guardUpgrades. */
export const SOCKET_IO_PATH = '/socket.io';

/**
 * Whether an endpoint of this server owns the upgrade; every other upgrade is answered 404 and
 * closed. engine.io claims every url that starts with its path and a slash, query or not; the
 * other paths are matched without the query.
 */
function isOwned(url: string, otherPaths: readonly RegExp[]): boolean {
  if (url.startsWith(`${SOCKET_IO_PATH}/`)) return true;
  const path = url.split('?')[0] ?? '';
  return otherPaths.some((re) => re.test(path));
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Answers a refused upgrade on the raw socket (an HTTP status and the usual JSON error body), then
 * closes it for good. An upgrade socket belongs to no HTTP response: nothing else ever closes it,
 * and the server keeps it half-open (`allowHalfOpen`) after a bare `end()`. Calling this twice, or
 * on a socket already answered, does nothing.
 */
export function refuseUpgrade(
  socket: Duplex,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed || socket.writableEnded) return;
  const err = new AppError(code, message);
  const body = JSON.stringify(err.toBody());
  const head = [
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.on('error', () => socket.destroy());
  // a peer that never reads must not hold the socket open either
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

/**
 * Who may open a WebSocket (socket.io, the console): a live session from exactly our own origin.
 * Returns the session, or the error to refuse the handshake with.
 */
export function handshakeSession(
  req: IncomingMessage,
  allowedHosts: AllowedHosts,
  sessions: SessionStore,
): Session | AppError {
  if (!isSameOriginHandshake(req, allowedHosts))
    return new AppError('ORIGIN_FORBIDDEN', 'cross-origin WebSocket refused');
  const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
  return (sid ? sessions.touch(sid) : null) ?? new AppError('UNAUTHENTICATED', 'log in first');
}

/**
 * The first word on every upgrade: a Host the server does not answer to is 421, a path no endpoint
 * owns (socket.io's, or one of `otherPaths`) is 404, and a client address with too many handshakes
 * still unanswered is 429 — each answered and closed at once. An accepted upgrade goes on to
 * `passTo` (and to the server's other upgrade listeners, which skip a socket already answered) and
 * must be answered within `answerWithinMs`, or it is closed.
 */
export function guardUpgrades(deps: {
  server: Server;
  allowedHosts: AllowedHosts;
  /** the server's WebSocket paths besides socket.io's (the host's VM console) */
  otherPaths?: readonly RegExp[];
  passTo?: UpgradeListener[];
  maxPendingPerAddress?: number;
  answerWithinMs?: number;
}): () => void {
  const maxPending = deps.maxPendingPerAddress ?? 16;
  const answerWithinMs = deps.answerWithinMs ?? 10_000;
  const otherPaths = deps.otherPaths ?? [];
  const pending = new Map<string, Set<Socket>>();
  // bytesWritten counts what we wrote, not the TLS handshake: 0 means nobody has answered yet
  const unanswered = (s: Socket) => !s.destroyed && s.bytesWritten === 0;

  const onUpgrade: UpgradeListener = (req, duplex, head) => {
    const socket = duplex as Socket;
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake
    if (!deps.allowedHosts.allows(req.headers.host))
      return refuseUpgrade(socket, 'HOST_NOT_ALLOWED', HOST_NOT_ALLOWED_MESSAGE);
    if (!isOwned(req.url ?? '', otherPaths))
      return refuseUpgrade(socket, 'NOT_FOUND', 'no WebSocket endpoint here');
    // IPv6 clients are bucketed by /56, as in the rate limits
    const key = ipKeyGenerator(socket.remoteAddress ?? 'unknown');
    const mine = pending.get(key) ?? new Set<Socket>();
    for (const s of mine) if (!unanswered(s)) mine.delete(s);
    if (mine.size >= maxPending) {
      return refuseUpgrade(socket, 'RATE_LIMITED', 'too many WebSocket handshakes in progress', {
        'Retry-After': '1',
      });
    }
    mine.add(socket);
    pending.set(key, mine);
    const settle = () => {
      clearTimeout(timer);
      mine.delete(socket);
      if (mine.size === 0 && pending.get(key) === mine) pending.delete(key);
    };
    const timer = setTimeout(() => {
      if (unanswered(socket)) socket.destroy();
      settle();
    }, answerWithinMs);
    timer.unref();
    socket.once('close', settle);
    for (const pass of deps.passTo ?? []) pass(req, socket, head);
  };

  deps.server.prependListener('upgrade', onUpgrade);
  return () => {
    deps.server.off('upgrade', onUpgrade);
  };
}
