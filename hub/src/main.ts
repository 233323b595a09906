import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthControlRequest,
  type HubClientToServerEvents,
  HubState,
  type HubServerToClientEvents,
  LINK_PATH,
} from '@quantix/shared';
import {
  authCommands,
  BUILD,
  createAllowedHosts,
  createHttpsTransport,
  openServerCore,
  socketIoPathPattern,
  startServing,
} from '@quantix/shared/server';
import { Router } from 'express';
import type { ServeConfig } from './config.ts';
import { createEnrollmentService } from './enrollment/enrollment.service.ts';
import { enrollmentRoutes } from './enrollment/enrollment.routes.ts';
import { createApp } from './http/app.ts';
import { attachLinks } from './link/link-setup.ts';
import { createLowdbHubStore } from './store/lowdb-hub-store.ts';

/** The composition root of `quantix-hub serve`: config → adapters → services → transports → listen. */
export async function serve(config: ServeConfig, out: (line: string) => void): Promise<void> {
  // data-dir lock, log, hub.json and events.json, TLS identity, accounts and sessions
  const core = await openServerCore({
    dataDir: config.dataDir,
    service: 'quantix-hub',
    logLevel: config.logLevel,
    stateFile: 'hub.json',
    schema: HubState,
    initial: (): HubState => ({
      schema: 1,
      hubId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      hosts: [],
      pools: [],
      enrollments: [],
    }),
    organization: 'Quantix hub',
    sessionIdleMs: 30 * 60_000,
  });
  let cert = core.cert;
  let url = '';
  const hubId = core.state.data.hubId;
  const publicUrl = () => config.publicUrl ?? url;
  const store = createLowdbHubStore(core.state);
  const enrollments = createEnrollmentService({
    store,
    events: core.events,
    publicUrl,
    spki: () => cert.spki,
  });
  const linksRouter = Router();

  const allowedHosts = createAllowedHosts({
    // the --public-url's name is one the hub cannot know itself (DNS, a port forward)
    publicNames: config.publicUrl ? [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [],
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    core,
    info: () => ({ hubId, spki: cert.spki, version: BUILD.version, publicUrl: publicUrl() }),
    // the hub has no web UI yet: the kit answers every page outside /api with a 503 until one is built
    publicDir: join(dirname(fileURLToPath(import.meta.url)), 'public'),
    allowedHosts,
    enrollments: enrollmentRoutes({ enrollments }),
    links: linksRouter,
  });
  const { server, io } = createHttpsTransport<HubClientToServerEvents, HubServerToClientEvents>({
    core,
    app,
    allowedHosts,
    requestTimeoutMs: 60_000,
    // the hosts' live links (hub/src/link): a socket.io of its own, for machines only
    upgradePaths: [socketIoPathPattern(LINK_PATH)],
  });
  const links = await attachLinks({
    dataDir: config.dataDir,
    server,
    allowedHosts,
    store,
    events: core.events,
    log: core.log,
    enrollments,
    hubId,
    hubName: hostname(),
    router: linksRouter,
  });

  const running = await startServing({
    core,
    server,
    io,
    listen: config.listen,
    control: { schema: AuthControlRequest, commands: authCommands(core.auth) },
    banner: {
      title: 'Quantix hub',
      id: ['Hub ID', hubId],
      ...(config.publicUrl ? { url: config.publicUrl } : {}),
    },
    startMessage: `Hub started (${BUILD.version})`,
    onCertificate: (c) => {
      cert = c;
    },
    stop: async () => links.close(),
    out,
  });
  url = running.url;
}
