import type { HubInfo } from '@quantix/shared';
import {
  type AllowedHosts,
  type AuthService,
  authRoutes,
  createApiRouter,
  createRateLimits,
  createServerApp,
  type EventStore,
  eventsRoutes,
  type Logger,
  requireAuth,
  requireSetupDone,
  type SessionStore,
} from '@quantix/shared/server';
import type { Express } from 'express';
import { hubRoutes } from '../hub/hub.routes.ts';

export interface AppDeps {
  log: Logger;
  auth: AuthService;
  sessions: SessionStore;
  events: EventStore;
  info: () => HubInfo;
  publicDir: string;
  /** the names a request may give in `Host` */
  allowedHosts: AllowedHosts;
}

/** The hub's API routes inside the server kit's HTTP app (see createServerApp). */
export function createApp(d: AppDeps): Express {
  const api = createApiRouter({ log: d.log, sessions: d.sessions });
  api.use(authRoutes({ auth: d.auth, limits: createRateLimits() }));
  // Everything below needs an admin to exist and a caller who is logged in.
  const guarded = [requireSetupDone(d.auth), requireAuth];
  api.use('/hub', ...guarded, hubRoutes({ info: d.info }));
  api.use('/events', ...guarded, eventsRoutes({ events: d.events }));
  return createServerApp({ allowedHosts: d.allowedHosts, log: d.log, publicDir: d.publicDir, api });
}
