import { LoginRequest, SetupRequest } from '@quantix/shared';
import { Router } from 'express';
import { clientAddress, requireSetupDone, requireUser, sessionIdOf } from '../http/auth-middleware.ts';
import { clearedSessionCookie, sessionCookie } from '../http/cookies.ts';
import { parseOr400 } from '../http/errors.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import type { AuthService } from './auth.service.ts';

export function authRoutes(deps: { auth: AuthService; limits: RateLimits }): Router {
  const { auth, limits } = deps;
  const r = Router();

  r.get('/setup/status', (_req, res) => {
    res.json({ setupRequired: auth.setupRequired() });
  });

  r.post('/setup', limits.setup, async (req, res) => {
    const body = parseOr400(SetupRequest, req.body);
    const session = await auth.setup({ ...body, from: clientAddress(req) });
    res.setHeader('Set-Cookie', sessionCookie(session.id));
    res.status(201).json(auth.describe(session));
  });

  r.post(
    '/auth/login',
    requireSetupDone(auth),
    limits.loginPerAddress,
    limits.loginFailures,
    async (req, res) => {
      const body = parseOr400(LoginRequest, req.body);
      const previous = sessionIdOf(req);
      const session = await auth.login({
        ...body,
        from: clientAddress(req),
        ...(previous ? { previousSessionId: previous } : {}),
      });
      res.setHeader('Set-Cookie', sessionCookie(session.id));
      res.json(auth.describe(session));
    },
  );

  r.post('/auth/logout', requireUser, (req, res) => {
    if (req.principal?.kind === 'user') auth.logout(req.principal.session.id);
    res.setHeader('Set-Cookie', clearedSessionCookie());
    res.status(204).end();
  });

  r.get('/auth/session', requireUser, (req, res) => {
    if (req.principal?.kind === 'user') res.json(auth.describe(req.principal.session));
  });

  return r;
}
