import { AppError } from '@quantix/shared';
import type { Request, RequestHandler } from 'express';
import type { Session, SessionStore } from '../auth/sessions.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';

/** Who is calling: a user's session, or (on a host) an adopted hub's credential. */
export type Principal =
  | { kind: 'user'; username: string; session: Session }
  | { kind: 'hub'; hubId: string; hubName: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function sessionIdOf(req: Request): string | undefined {
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}

/**
 * Who is calling: a live session cookie, or else what `bearer` makes of the `Authorization` header
 * (the host's adopted hubs); nobody when neither says.
 */
export function identify(deps: {
  sessions: SessionStore;
  bearer?: (authorization: string) => Principal | null;
}): RequestHandler {
  return (req, _res, next) => {
    const sid = sessionIdOf(req);
    const session = sid ? deps.sessions.touch(sid) : null;
    if (session) {
      req.principal = { kind: 'user', username: session.username, session };
      return next();
    }
    const auth = req.headers.authorization;
    const other = auth && deps.bearer ? deps.bearer(auth) : null;
    if (other) req.principal = other;
    next();
  };
}

/** Until the first admin exists, only setup works. */
export function requireSetupDone(auth: { setupRequired(): boolean }): RequestHandler {
  return (_req, _res, next) => {
    if (auth.setupRequired())
      throw new AppError('SETUP_REQUIRED', 'create the first administrator at /setup');
    next();
  };
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'log in first');
  next();
};

export const requireUser: RequestHandler = (req, _res, next) => {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'log in first');
  if (req.principal.kind !== 'user')
    throw new AppError('FORBIDDEN', 'only an administrator session may do this');
  next();
};

export function actor(req: Request): string {
  const p = req.principal;
  const who = p ? (p.kind === 'user' ? `user:${p.username}` : `hub:${p.hubName}`) : 'anonymous';
  return `${who}@${req.socket.remoteAddress ?? '?'}`;
}

export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}
