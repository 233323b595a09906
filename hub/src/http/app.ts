import type { HubInfo } from '@quantix/shared';
import { type AllowedHosts, createServerApi, createServerApp, type ServerCore } from '@quantix/shared/server';
import type { Express, Router } from 'express';
import { hostsRoutes } from '../hosts/hosts.routes.ts';
import type { HostsService } from '../hosts/hosts.service.ts';
import { hubRoutes } from '../hub/hub.routes.ts';
import { createPlacementRoutes } from '../placement/placement.routes.ts';
import type { PlacementService } from '../placement/placement.service.ts';
import { createPoolsRoutes, isRawPoolUpload } from '../pools/pools.routes.ts';
import type { PoolsService } from '../pools/pools.service.ts';
import { createVmsRoutes } from '../vms/vms.routes.ts';
import type { VmsService } from '../vms/vms.service.ts';

/** The hub's API routes inside the server kit's HTTP app (see createServerApp). */
export function createApp(d: {
  core: Pick<ServerCore<never>, 'log' | 'auth' | 'sessions' | 'events'>;
  info: () => HubInfo;
  hosts: HostsService;
  pools: PoolsService;
  placement: PlacementService;
  vms: VmsService;
  publicDir: string;
  /** the names a request may give in `Host` */
  allowedHosts: AllowedHosts;
  /** `/enrollments` and `/links` (hub/src/enrollment, hub/src/link) */
  enrollments: Router;
  links: Router;
}): Express {
  const { log } = d.core;
  // setup, auth and /events; `guarded`: an admin exists and the caller is logged in
  // an ISO upload into a shared pool is a raw body, streamed through to a host
  const { api, guarded } = createServerApi({ ...d.core, rawBody: isRawPoolUpload });
  api.use('/hub', ...guarded, hubRoutes({ info: d.info }));
  // a host's VMs first: the hosts router answers 404 for what it does not know under /hosts
  api.use(['/vms', '/hosts/:hostId/vms'], ...guarded);
  api.use(createVmsRoutes({ vms: d.vms }));
  api.use('/hosts', ...guarded, hostsRoutes({ hosts: d.hosts }));
  api.use('/pools', ...guarded, createPoolsRoutes({ pools: d.pools }));
  api.use('/placement', ...guarded, createPlacementRoutes({ placement: d.placement }));
  api.use('/enrollments', ...guarded, d.enrollments);
  api.use('/links', ...guarded, d.links);
  return createServerApp({ allowedHosts: d.allowedHosts, log, publicDir: d.publicDir, api });
}
