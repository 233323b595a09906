import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { StoredUser } from '@quantix/shared';
import { urlFor } from '../http/network-addresses.ts';
import { keepCertificateCurrent } from '../tls/certificate-upkeep.ts';
import type { HostCertificate } from '../tls/certificate.ts';
import type { ServerCore } from './server-core.ts';

/** Listens; resolves with the URL to print and the `listening https://ADDR:PORT` line tests wait for. */
export async function listenHttps(
  server: HttpsServer,
  listen: { host: string; port: number },
): Promise<{ url: string; listening: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const listenHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { url: urlFor(listen.host, addr.port), listening: `listening https://${listenHost}:${addr.port}` };
}

/** The console banner: what to open, what to compare, and the setup code while no admin exists. */
export function startBanner(p: {
  title: string;
  url: string;
  /** e.g. ['Host ID', uuid] */
  id: [string, string];
  spki: string;
  setup: { code: string; expiresAt: Date } | null;
}): string {
  const lines = ['', `  ${p.title}`, `  URL:          ${p.url}`, `  ${`${p.id[0]}:`.padEnd(14)}${p.id[1]}`];
  lines.push(`  Fingerprint:  ${p.spki}`);
  if (p.setup) {
    lines.push(`  Setup code:   ${p.setup.code}   (valid until ${p.setup.expiresAt.toISOString()}, one use)`);
    lines.push('  Open the URL and create the administrator with this code.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * After listening: the start event (and one per state file restored from its .bak), the
 * certificate kept current in the running server, and the process's signal and fault handlers.
 * `stop` ends the server's own parts; then the kit's parts close, the lock is released and the log
 * flushed. Returns the certificate's current value.
 */
export async function runServer<T extends { users: StoredUser[] }>(d: {
  core: ServerCore<T>;
  server: HttpsServer;
  io: { close(): unknown };
  control: { close(): void };
  startMessage: string;
  onCertificate?: (cert: HostCertificate) => void;
  /** the server's own parts: stop timers, close adapters */
  stop: () => Promise<unknown>;
}): Promise<{ shutdown: (signal: string) => void; stopping: () => boolean }> {
  const { core, server } = d;
  const { events, log } = core;
  await events.record({ level: 'info', category: 'system', message: d.startMessage, source: 'system' });
  for (const r of core.recovered) {
    await events.record({
      level: 'warning',
      category: 'system',
      message: `State restored from backup: ${r}`,
      source: 'system',
    });
  }
  const stopRenewal = keepCertificateCurrent({
    server,
    current: core.cert,
    ensure: core.ensureCert,
    onRenewed: (c) => d.onCertificate?.(c),
    log,
    events,
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled promise rejection');
    log.flush(() => process.exit(1));
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void stopRenewal();
    core.stopDiskReport();
    core.disk.close();
    core.sessions.close();
    d.control.close();
    const stopped = d.stop();
    void d.io.close();
    server.closeAllConnections();
    server.close(() => {
      void Promise.allSettled([stopped, core.lock.release()]).then(() => log.flush(() => process.exit(0)));
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return { shutdown, stopping: () => stopping };
}
