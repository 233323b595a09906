import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { type AllowedHosts, HOST_NOT_ALLOWED_MESSAGE } from './allowed-hosts.ts';
import { sendError } from './errors.ts';

/**
 * Strict CSP: nothing inline, nothing from elsewhere. `connect-src 'self'` covers socket.io's wss
 * to ourselves (CSP3 matches the same host over wss); a bare `wss:` would allow any host.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: true,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * Every request must name one of the host's own names in `Host` (see AllowedHosts); only then is
 * `https://<Host>` our origin. This runs first, for the API and the UI alike.
 */
export function hostGuard(allowed: AllowedHosts): RequestHandler {
  return (req, res, next) => {
    if (allowed.allows(req.headers.host)) return next();
    sendError(res, 'HOST_NOT_ALLOWED', HOST_NOT_ALLOWED_MESSAGE);
  };
}

/** The origin this request reached, once hostGuard has accepted its Host header. */
export function ownOrigin(req: IncomingMessage): string | null {
  const host = req.headers.host;
  return host ? `https://${host}` : null;
}

/** True when the request carries an Origin header that is not our own. */
export function isCrossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin !== ownOrigin(req);
}

/** For WebSocket handshakes, which skip the express stack: an allowed Host and exactly its origin. */
export function isSameOriginHandshake(req: IncomingMessage, allowed: AllowedHosts): boolean {
  return allowed.allows(req.headers.host) && req.headers.origin !== undefined && !isCrossOrigin(req);
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * CSRF defence in depth beside SameSite=Strict: a cross-origin write is refused, and a write
 * must be JSON (which a cross-site form cannot send without a CORS preflight we never grant).
 */
export const writeGuard: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (isCrossOrigin(req)) return sendError(res, 'ORIGIN_FORBIDDEN', 'cross-origin request refused');
  if (BODY_METHODS.has(req.method) && !req.is('application/json')) {
    const len = Number(req.headers['content-length'] ?? 0);
    if (len > 0 || req.headers['transfer-encoding']) {
      return sendError(res, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
  }
  next();
};
