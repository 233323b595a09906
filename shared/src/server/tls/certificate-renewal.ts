import type { Server } from 'node:https';
import type { HostCertificate } from './certificate.ts';
import { secureContextOptions } from './tls-options.ts';

const DAY_MS = 86_400_000;

/**
 * An appliance runs for years: re-check the certificate daily and hot-swap a renewed one into the
 * running server (same key, so the SPKI fingerprint hubs pinned stays valid).
 */
export function scheduleCertificateRenewal(deps: {
  server: Server;
  current: HostCertificate;
  ensure: () => Promise<HostCertificate>;
  onRenewed: (cert: HostCertificate) => void;
  onError: (err: unknown) => void;
  intervalMs?: number;
}): () => Promise<void> {
  let current = deps.current;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // A setTimeout chain, re-armed after each check, so two checks never overlap.
  const arm = () => {
    timer = setTimeout(() => {
      inFlight = deps.ensure().then(
        (next) => {
          if (stopped || next.cert === current.cert) return;
          deps.server.setSecureContext(secureContextOptions(next));
          current = next;
          deps.onRenewed(next);
        },
        (err: unknown) => deps.onError(err),
      );
      void inFlight.then(() => {
        if (!stopped) arm();
      });
    }, deps.intervalMs ?? DAY_MS);
    timer.unref();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
    return inFlight;
  };
}
