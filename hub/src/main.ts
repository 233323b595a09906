import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppError,
  AuthControlRequest,
  type HubClientToServerEvents,
  HubState,
  type HubServerToClientEvents,
} from '@quantix/shared';
import {
  authCommands,
  BUILD,
  createAllowedHosts,
  createHttpsTransport,
  openServerCore,
  startServing,
} from '@quantix/shared/server';
import type { ServeConfig } from './config.ts';
import { createAdoption } from './hosts/adoption.service.ts';
import { attachHostsSocket } from './hosts/hosts.socket.ts';
import { createHostsService } from './hosts/hosts.service.ts';
import { createApp } from './http/app.ts';
import type { HostLinks } from './link/host-links.ts';
import { createSecretBox, isSealed } from './secrets/secret-box.ts';
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
  const store = createLowdbHubStore(core.state);
  // seals the adopted hosts' credentials in hub.json
  const box = createSecretBox(
    await ensureSecretKey({
      dataDir: config.dataDir,
      sealedSecretsExist: core.state.data.hosts.some((h) => isSealed(h.credential)),
    }),
  );

  // replaced by the link server: until it lands no host ever connects, so every host is pending
  // and nothing can be sent to one
  const notConnected = (hostId: string) =>
    new AppError('HOST_NOT_CONNECTED', `host ${hostId} has no live link to this hub yet`);
  const links: HostLinks = {
    live: () => ({ state: 'pending', stateReason: null, status: null, lastSeenAt: null }),
    command: async (hostId) => {
      throw notConnected(hostId);
    },
    forget: async (hostId) => {
      throw notConnected(hostId);
    },
    drop: () => undefined,
    watch: () => () => undefined,
    onChange: () => () => undefined,
    onTelemetry: () => () => undefined,
  };

  const adoption = createAdoption({
    store,
    // read at each adoption: the certificate may have been renewed, the URL is known once listening
    hub: () => ({
      hubId,
      hubName: (osHostname() || 'quantix-hub').slice(0, 128),
      hubUrl: config.publicUrl ?? url,
      hubSpki: cert.spki,
    }),
    box,
    allowLoopback: config.allowLoopbackHosts,
    timeoutMs: config.adoptTimeoutMs,
    userAgent: `quantix-hub/${BUILD.version}`,
  });
  const hosts = createHostsService({ store, links, adoption, events: core.events, log: core.log });

  const allowedHosts = createAllowedHosts({
    // the --public-url's name is one the hub cannot know itself (DNS, a port forward)
    publicNames: config.publicUrl ? [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [],
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    core,
    info: () => ({ hubId, spki: cert.spki, version: BUILD.version, publicUrl: config.publicUrl ?? url }),
    hosts,
    // the hub has no web UI yet: the kit answers every page outside /api with a 503 until one is built
    publicDir: join(dirname(fileURLToPath(import.meta.url)), 'public'),
    allowedHosts,
  });
  const { server, io } = createHttpsTransport<HubClientToServerEvents, HubServerToClientEvents>({
    core,
    app,
    allowedHosts,
    requestTimeoutMs: 60_000,
  });
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
    },
    out,
  });
  url = running.url;
}
