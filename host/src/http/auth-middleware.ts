import { AppError } from '@quantix/shared';
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../auth/auth.service.ts';
import type { Session, SessionStore } from '../auth/sessions.ts';
import type { RegistrationService } from '../registration/registration.service.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';

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

/** Who is calling: a live session cookie, or an adopted hub's bearer credential. */
export function identify(deps: {
  sessions: SessionStore;
  registration: RegistrationService;
}): RequestHandler {
  return (req, _res, next) => {
    const sid = sessionIdOf(req);
    const session = sid ? deps.sessions.touch(sid) : null;
    if (session) {
      req.principal = { kind: 'user', username: session.username, session };
      return next();
    }
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer qxc.')) {
      const hub = deps.registration.hubForCredential(auth.slice(7).trim());
      if (hub) req.principal = { kind: 'hub', hubId: hub.hubId, hubName: hub.hubName };
    }
    next();
  };
}

/** Until the first admin exists, only setup works. */
export function requireSetupDone(auth: AuthService): RequestHandler {
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
