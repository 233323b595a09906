import type { Request, RequestHandler, Router } from 'express';
import { authRoutes } from '../auth/auth.routes.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { EventStore } from '../events/event-store.ts';
import { eventsRoutes } from '../events/events.routes.ts';
import type { Logger } from '../logging/logger.ts';
import { type Principal, requireAuth, requireSetupDone } from './auth-middleware.ts';
import { createRateLimits } from './rate-limits.ts';
import { createApiRouter } from './server-app.ts';

/**
 * The API every server starts from: createApiRouter with the setup and auth routes (rate limited)
 * and `/events`, plus `guarded` — an admin must exist and the caller be logged in — for the
 * server's own routes.
 */
export function createServerApi(d: {
  log: Logger;
  sessions: SessionStore;
  auth: AuthService;
  events: EventStore;
  bearer?: (authorization: string) => Principal | null;
  rawBody?: (req: Request) => boolean;
}): { api: Router; guarded: RequestHandler[] } {
  const api = createApiRouter(d);
  api.use(authRoutes({ auth: d.auth, limits: createRateLimits() }));
  const guarded = [requireSetupDone(d.auth), requireAuth];
  api.use('/events', ...guarded, eventsRoutes({ events: d.events }));
  return { api, guarded };
}
