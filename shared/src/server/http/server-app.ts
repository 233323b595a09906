import { API_PREFIX } from '@quantix/shared';
import express, { type Express, type Request, type Router } from 'express';
import type { SessionStore } from '../auth/sessions.ts';
import type { Logger } from '../logging/logger.ts';
import { accessLog } from './access-log.ts';
import type { AllowedHosts } from './allowed-hosts.ts';
import { apiPathShapes } from './api-path.ts';
import { identify, type Principal } from './auth-middleware.ts';
import { apiNotFound, errorHandler, sendError } from './errors.ts';
import { hostGuard, isCrossOrigin, securityHeaders, writeGuard } from './security.ts';
import { uiRoutes } from './static.ts';

const BODY_LIMIT = '64kb';

/**
 * The front of a server's API, to which it adds its routes: one access-log line per request,
 * no-store, the write guard, JSON bodies up to 64 KiB, and the caller identified. A request
 * `rawBody` accepts (the host's ISO uploads) is exempt from the JSON rule, never from the origin check.
 */
export function createApiRouter(d: {
  log: Logger;
  sessions: SessionStore;
  bearer?: (authorization: string) => Principal | null;
  rawBody?: (req: Request) => boolean;
}): Router {
  const api = express.Router();
  api.use(accessLog(d.log));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use((req, res, next) => {
    if (!d.rawBody?.(req)) return writeGuard(req, res, next);
    if (isCrossOrigin(req)) return sendError(res, 'ORIGIN_FORBIDDEN', 'cross-origin request refused');
    next();
  });
  api.use(express.json({ limit: BODY_LIMIT, strict: true }));
  api.use(identify({ sessions: d.sessions, ...(d.bearer ? { bearer: d.bearer } : {}) }));
  return api;
}

/**
 * The whole HTTP app around a server's API (from createApiRouter, with its routes): security
 * headers, the Host check before anything else, API paths in other spellings refused, the API
 * under API_PREFIX with JSON 404s, the web UI from `publicDir`, and the one error handler.
 */
export function createServerApp(d: {
  allowedHosts: AllowedHosts;
  log: Logger;
  publicDir: string;
  api: Router;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders());
  // first of all: a request must name this server (DNS rebinding), or nothing below is reached
  app.use(hostGuard(d.allowedHosts));
  app.use(apiPathShapes);
  app.use(API_PREFIX, d.api, apiNotFound);
  app.use('/api', apiNotFound);
  app.use(uiRoutes(d.publicDir));
  app.use(errorHandler(d.log));
  return app;
}
