import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthControlRequest,
  type HubClientToServerEvents,
  HubState,
  type HubServerToClientEvents,
} from '@quantix/shared';
import {
  attachDataDiskSocket,
  attachEventsSocket,
  authCommands,
  BUILD,
  createAllowedHosts,
  createIo,
  listenHttps,
  openServerCore,
  runServer,
  secureContextOptions,
  startBanner,
  startControlServer,
} from '@quantix/shared/server';
import type { ServeConfig } from './config.ts';
import { createApp } from './http/app.ts';

/** The composition root of `quantix-hub serve`: config → adapters → services → transports → listen. */
export async function serve(config: ServeConfig, out: (line: string) => void): Promise<void> {
  const { dataDir } = config;
  const core = await openServerCore({
    dataDir,
    service: 'quantix-hub',
    logLevel: config.logLevel,
    stateFile: 'hub.json',
    schema: HubState,
    initial: (): HubState => ({ schema: 1, hubId: randomUUID(), createdAt: new Date().toISOString(), users: [] }),
    organization: 'Quantix hub',
    sessionIdleMs: 30 * 60_000,
  });
  const { disk, log, state, events, sessions, auth } = core;
  let cert = core.cert;
  let url = '';
  const hubId = state.data.hubId;

  const allowedHosts = createAllowedHosts({
    publicNames: config.publicUrl ? [new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '')] : [],
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    log,
    auth,
    sessions,
    events,
    info: () => ({ hubId, spki: cert.spki, version: BUILD.version, publicUrl: config.publicUrl ?? url }),
    // the hub has no web UI yet: the kit answers every non-API page with a 503 until one is built
    publicDir: join(dirname(fileURLToPath(import.meta.url)), 'public'),
    allowedHosts,
  });
  const server = createServer({ ...secureContextOptions(cert), handshakeTimeout: 10_000 }, app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const io = createIo<HubClientToServerEvents, HubServerToClientEvents>({ server, sessions, log, allowedHosts });
  attachEventsSocket({ io, events });
  attachDataDiskSocket({ io, disk });

  const listening = await listenHttps(server, config.listen);
  url = listening.url;
  const control = await startControlServer({
    path: join(dataDir, 'control.sock'),
    schema: AuthControlRequest,
    commands: authCommands(auth),
    log,
  });
  // one write, so a reader of the listening line has the banner too
  out(
    `${listening.listening}\n${startBanner({ title: 'Quantix hub', url: config.publicUrl ?? url, id: ['Hub ID', hubId], spki: cert.spki, setup: auth.setupRequired() ? auth.setupCode() : null })}`,
  );
  log.info({ url, hubId, spki: cert.spki, version: BUILD.version }, 'hub started');
  await runServer({
    core,
    server,
    io,
    control,
    startMessage: `Hub started (${BUILD.version})`,
    onCertificate: (c) => {
      cert = c;
    },
    stop: async () => {},
  });
}
