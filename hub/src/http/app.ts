import type { HubInfo } from '@quantix/shared';
import { type AllowedHosts, createServerApi, createServerApp, type ServerCore } from '@quantix/shared/server';
import type { Express, Router } from 'express';
import { hostsRoutes } from '../hosts/hosts.routes.ts';
import type { HostsService } from '../hosts/hosts.service.ts';
import { hubRoutes } from '../hub/hub.routes.ts';

/** The hub's API routes inside the server kit's HTTP app (see createServerApp). */
export function createApp(d: {
  core: Pick<ServerCore<never>, 'log' | 'auth' | 'sessions' | 'events'>;
  info: () => HubInfo;
  hosts: HostsService;
  publicDir: string;
  /** the names a request may give in `Host` */
  allowedHosts: AllowedHosts;
  /** `/enrollments` and `/links` (hub/src/enrollment, hub/src/link) */
  enrollments: Router;
  links: Router;
}): Express {
  const { log } = d.core;
  // setup, auth and /events; `guarded`: an admin exists and the caller is logged in
  const { api, guarded } = createServerApi(d.core);
  api.use('/hub', ...guarded, hubRoutes({ info: d.info }));
  api.use('/hosts', ...guarded, hostsRoutes({ hosts: d.hosts }));
  api.use('/enrollments', ...guarded, d.enrollments);
  api.use('/links', ...guarded, d.links);
  return createServerApp({ allowedHosts: d.allowedHosts, log, publicDir: d.publicDir, api });
}
