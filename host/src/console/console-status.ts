import type { ConsoleStatus, HubSummary } from '@quantix/shared';
import type { HostAddress } from './host-addresses.ts';

/**
 * The server's answer to `console-status`: what the console banner shows, read fresh on every
 * call (the console polls every 2 s; everything here is in memory except the addresses).
 */
export function createConsoleStatus(deps: {
  build: { version: string; commit: string };
  hostId: string;
  hostname: string;
  /** the port the HTTPS server listens on (known once it listens) */
  port: () => number;
  /** the listening address, `0.0.0.0` / `::` for all */
  listenHost: string;
  addresses: () => Promise<HostAddress[]>;
  /** read on every call: the certificate is renewed in place */
  spki: () => string;
  hubs: () => HubSummary[];
  linkedHubIds: () => string[];
  /** the current setup code while no admin exists, else null */
  setupCode: () => { code: string; expiresAt: Date } | null;
  hypervisorAvailable: () => boolean;
}): () => Promise<ConsoleStatus> {
  return async () => {
    const linked = new Set(deps.linkedHubIds());
    const setup = deps.setupCode();
    return {
      version: deps.build.version,
      commit: deps.build.commit,
      hostId: deps.hostId,
      hostname: deps.hostname,
      port: deps.port(),
      listenHost: deps.listenHost,
      addresses: await deps.addresses(),
      spki: deps.spki(),
      hubs: deps.hubs().map((h) => ({
        hubId: h.hubId,
        hubName: h.hubName,
        hubUrl: h.hubUrl,
        linked: linked.has(h.hubId),
      })),
      setupCode: setup ? { code: setup.code, expiresAt: setup.expiresAt.toISOString() } : null,
      hypervisorAvailable: deps.hypervisorAvailable(),
    };
  };
}
