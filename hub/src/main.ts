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
  type SharedPool,
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
import { createAdoption } from './hosts/adoption.service.ts';
import { attachHostsSocket } from './hosts/hosts.socket.ts';
import { createHostsService } from './hosts/hosts.service.ts';
import { createApp } from './http/app.ts';
import { lateLinks } from './link/late-links.ts';
import { attachLinks } from './link/link-setup.ts';
import { createPlacementService } from './placement/placement.service.ts';
import { createPoolApplier } from './pools/pool-applier.ts';
import { startPoolReconciler } from './pools/pool-reconciler.ts';
import { createPoolsService } from './pools/pools.service.ts';
import { createSecretBox, isSealed } from './secrets/secret-box.ts';
import { createVmsService } from './vms/vms.service.ts';
import { ensureSecretKey } from './secrets/secret-key.ts';
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
  const hubName = (hostname() || 'quantix-hub').slice(0, 128);
  const store = createLowdbHubStore(core.state);
  // seals the adopted hosts' credentials in hub.json
  const box = createSecretBox(
    await ensureSecretKey({
      dataDir: config.dataDir,
      sealedSecretsExist: core.state.data.hosts.some((h) => isSealed(h.credential)),
    }),
  );
  const late = lateLinks();
  const links = late.links;

  const adoption = createAdoption({
    store,
    // read at each adoption: the certificate may have been renewed, the URL is known once listening
    hub: () => ({ hubId, hubName, hubUrl: publicUrl(), hubSpki: cert.spki }),
    box,
    allowLoopback: config.allowLoopbackHosts,
    timeoutMs: config.adoptTimeoutMs,
    userAgent: `quantix-hub/${BUILD.version}`,
  });
  const hosts = createHostsService({ store, links, adoption, events: core.events, log: core.log });
  const enrollments = createEnrollmentService({
    store,
    events: core.events,
    publicUrl,
    spki: () => cert.spki,
  });
  const linksRouter = Router();
  // pool changes go to every UI socket (bound once the transport exists)
  let emitPool: (name: string, pool: SharedPool | null) => void = () => undefined;
  const poolDeps = {
    store,
    links,
    events: core.events,
    emit: (n: string, p: SharedPool | null) => emitPool(n, p),
  };
  const applier = createPoolApplier(poolDeps);
  const pools = createPoolsService({ ...poolDeps, applier });
  const placement = createPlacementService({ store, links });
  const vms = createVmsService({ store, links, placement, events: core.events });

  const allowedHosts = createAllowedHosts({
    // the --public-url's name is one the hub cannot know itself (DNS, a port forward)
    publicNames: config.publicUrl ? [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [],
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    core,
    info: () => ({ hubId, spki: cert.spki, version: BUILD.version, publicUrl: publicUrl() }),
    hosts,
    pools,
    placement,
    vms,
    // the hub's web UI (hub/ui, built by hub/scripts/build.mjs)
    publicDir: join(dirname(fileURLToPath(import.meta.url)), 'public'),
    allowedHosts,
    enrollments: enrollmentRoutes({ enrollments }),
    links: linksRouter,
  });
  const { server, io } = createHttpsTransport<HubClientToServerEvents, HubServerToClientEvents>({
    core,
    app,
    allowedHosts,
    // an ISO upload through the hub outlasts a minute; its route has its own 60 s stall timeout
    requestTimeoutMs: 0,
    // the hosts' live links (hub/src/link): a socket.io of its own, for machines only
    upgradePaths: [socketIoPathPattern(LINK_PATH)],
  });
  const linkServer = await attachLinks({
    box,
    server,
    allowedHosts,
    store,
    events: core.events,
    log: core.log,
    enrollments,
    hubId,
    hubName,
    router: linksRouter,
  });
  late.bind(linkServer);
  emitPool = (name, pool) => io.to('hosts').emit('pool:changed', { name, pool });
  const reconciler = startPoolReconciler({ store, links, applier, log: core.log });
  const stopHostsSocket = attachHostsSocket({ io, hosts, links });

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
    stop: async () => {
      stopHostsSocket();
      reconciler.stop();
      await reconciler.settled();
      linkServer.close();
    },
    out,
  });
  url = running.url;
}
