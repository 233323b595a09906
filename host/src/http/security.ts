import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { sendError } from './errors.ts';

/** Strict CSP: nothing inline, nothing from elsewhere; socket.io over wss to ourselves. */
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
        'connect-src': ["'self'", 'wss:'],
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

/** The origin this request reached: what a same-origin browser page sends as Origin. */
export function ownOrigin(req: IncomingMessage): string | null {
  const host = req.headers.host;
  return host ? `https://${host}` : null;
}

/** True when the request carries an Origin header that is not our own. */
export function isCrossOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin !== ownOrigin(req);
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
