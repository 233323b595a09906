import type { Server as HttpsServer } from 'node:https';
import type { AllowedHosts, EventStore, Logger } from '@quantix/shared/server';
import type { Router } from 'express';
import type { EnrollmentService } from '../enrollment/enrollment.service.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { HubStore } from '../store/hub-store.ts';
import { createHostProbe } from './host-probe.ts';
import { createLinkServer, type LinkServer } from './link-server.ts';
import { linkRoutes } from './link.routes.ts';

/**
 * The links on the hub's HTTPS server, and their routes mounted on `router` (which the app has at
 * `/api/v1/links`: the app exists before the server the links need).
 */
export async function attachLinks(d: {
  box: SecretBox;
  server: HttpsServer;
  allowedHosts: AllowedHosts;
  store: HubStore;
  events: EventStore;
  log: Logger;
  enrollments: EnrollmentService;
  hubId: string;
  hubName: string;
  router: Router;
}): Promise<LinkServer> {
  const links = await createLinkServer({
    server: d.server,
    allowedHosts: d.allowedHosts,
    store: d.store,
    events: d.events,
    log: d.log,
    enrollments: d.enrollments,
    box: d.box,
    probe: createHostProbe(),
    welcome: () => ({ hubId: d.hubId, hubName: d.hubName }),
  });
  d.router.use(linkRoutes({ links }));
  return links;
}
