import type { Server } from 'node:https';
import type { EventStore } from '../events/event-store.ts';
import type { Logger } from '../logging/logger.ts';
import type { HostCertificate } from './certificate.ts';
import { scheduleCertificateRenewal } from './certificate-renewal.ts';

/**
 * The daily renewal check (scheduleCertificateRenewal), with each renewal said in the log and the
 * event log, and a failed check in the log. `onRenewed` learns the new certificate first.
 */
export function keepCertificateCurrent(deps: {
  server: Server;
  current: HostCertificate;
  ensure: () => Promise<HostCertificate>;
  onRenewed: (cert: HostCertificate) => void;
  log: Logger;
  events: EventStore;
  intervalMs?: number;
}): () => Promise<void> {
  const { log, events } = deps;
  return scheduleCertificateRenewal({
    server: deps.server,
    current: deps.current,
    ensure: deps.ensure,
    onRenewed: (c) => {
      deps.onRenewed(c);
      log.info({ notAfter: c.notAfter, spki: c.spki }, 'certificate renewed');
      void events.record({
        level: 'info',
        category: 'security',
        message: `TLS certificate renewed until ${c.notAfter.toISOString()} (same key)`,
        source: 'system',
      });
    },
    onError: (err) => log.error({ err }, 'certificate renewal failed'),
    ...(deps.intervalMs ? { intervalMs: deps.intervalMs } : {}),
  });
}
