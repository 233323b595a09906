import { createServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import type { ClientToServerEvents, ServerToClientEvents, StoredUser } from '@quantix/shared';
import type { Express } from 'express';
import type { z } from 'zod';
import { type ControlCommands, startControlServer } from '../control/control-server.ts';
import { attachEventsSocket } from '../events/events.socket.ts';
import type { AllowedHosts } from '../http/allowed-hosts.ts';
import { createIo, type Io } from '../socket/io.ts';
import { attachDataDiskSocket } from '../state/data-disk.socket.ts';
import type { HostCertificate } from '../tls/certificate.ts';
import { secureContextOptions } from '../tls/tls-options.ts';
import type { ServerCore } from './server-core.ts';
import { listenHttps, runServer, startBanner } from './server-lifecycle.ts';

/** What every server's socket.io carries: the event log, the data disk, sessions ending. */
type KitClientEvents = Pick<ClientToServerEvents, 'events:subscribe' | 'events:unsubscribe'>;
type KitServerEvents = Pick<ServerToClientEvents, 'event:new' | 'session:ended' | 'data-disk:status'>;

/**
 * The HTTPS server around `app` (TLS from the core's certificate; headers within 20 s) and
 * socket.io on it, with the Origin/Host and session check and the kit's own events attached.
 */
export function createHttpsTransport<C extends KitClientEvents, S extends KitServerEvents>(d: {
  core: ServerCore<{ users: StoredUser[] }>;
  app: Express;
  allowedHosts: AllowedHosts;
  /** a whole request's deadline in ms; 0 for none (the host's ISO uploads have their own) */
  requestTimeoutMs: number;
  /** other upgrade paths the server answers itself (the host's VM console) */
  upgradePaths?: RegExp[];
}): { server: HttpsServer; io: Io<C, S> } {
  const { core } = d;
  const server = createServer({ ...secureContextOptions(core.cert), handshakeTimeout: 10_000 }, d.app);
  server.headersTimeout = 20_000;
  server.requestTimeout = d.requestTimeoutMs;
  const io = createIo<C, S>({
    server,
    sessions: core.sessions,
    log: core.log,
    allowedHosts: d.allowedHosts,
    ...(d.upgradePaths ? { upgradePaths: d.upgradePaths } : {}),
  });
  const kitIo = io as unknown as Io<KitClientEvents, KitServerEvents>;
  attachEventsSocket({ io: kitIo, events: core.events });
  attachDataDiskSocket({ io: kitIo, disk: core.disk });
  return { server, io };
}

/**
 * Listens, opens the control socket, prints the listening line and the banner in one write, and
 * runs the server (see runServer). Resolves with the URL and whether a shutdown has begun.
 */
export async function startServing<T extends { users: StoredUser[] }, Req extends { cmd: string }>(d: {
  core: ServerCore<T>;
  server: HttpsServer;
  io: { close(): unknown };
  listen: { host: string; port: number };
  control: { schema: z.ZodType<Req>; commands: ControlCommands<Req> };
  /** the banner's title and id line, e.g. ['Host ID', uuid]; `url` when not the listening one */
  banner: { title: string; id: [string, string]; url?: string };
  /** a line of the log and the event log, e.g. `Hub started (0.1.0)` */
  startMessage: string;
  onCertificate?: (cert: HostCertificate) => void;
  stop: () => Promise<unknown>;
  out: (text: string) => void;
}): Promise<{ url: string; stopping: () => boolean }> {
  const { core } = d;
  const listening = await listenHttps(d.server, d.listen);
  const control = await startControlServer({
    path: join(core.dataDir, 'control.sock'),
    schema: d.control.schema,
    commands: d.control.commands,
    log: core.log,
  });
  const { auth, cert } = core;
  const banner = startBanner({
    ...d.banner,
    url: d.banner.url ?? listening.url,
    spki: cert.spki,
    setup: auth.setupRequired() ? auth.setupCode() : null,
  });
  // one write, so a reader of the listening line has the banner too
  d.out(`${listening.listening}\n${banner}`);
  core.log.info({ url: listening.url, id: d.banner.id[1], spki: cert.spki }, d.startMessage);
  const running = await runServer({
    core,
    server: d.server,
    io: d.io,
    control,
    startMessage: d.startMessage,
    ...(d.onCertificate ? { onCertificate: d.onCertificate } : {}),
    stop: d.stop,
  });
  return { url: listening.url, stopping: running.stopping };
}
