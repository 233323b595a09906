import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
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
import { createApp } from './http/app.ts';

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

  const allowedHosts = createAllowedHosts({
    // the --public-url's name is one the hub cannot know itself (DNS, a port forward)
    publicNames: config.publicUrl ? [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [],
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    core,
    info: () => ({ hubId, spki: cert.spki, version: BUILD.version, publicUrl: config.publicUrl ?? url }),
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
    stop: async () => {},
    out,
  });
  url = running.url;
}
