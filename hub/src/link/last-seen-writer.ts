import { AppError } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { HubStore } from '../store/hub-store.ts';

/**
 * Writes a host's lastSeenAt when its link goes down — never per heartbeat, so thousands of hosts
 * do not rewrite hub.json every few seconds. Writes run one at a time; a host that flaps while
 * its write waits is written once, with its latest value.
 */
export function createLastSeenWriter(deps: { store: HubStore; log: Logger }) {
  const pending = new Map<string, string>();
  let running = false;
  const drain = async () => {
    if (running) return;
    running = true;
    try {
      for (let next = pending.entries().next(); !next.done; next = pending.entries().next()) {
        const [hostId, lastSeenAt] = next.value;
        pending.delete(hostId);
        await deps.store.updateHost(hostId, { lastSeenAt }).catch((err: unknown) => {
          if (!(err instanceof AppError && err.code === 'HOST_NOT_FOUND'))
            deps.log.warn({ err, hostId }, 'could not record when a host was last seen');
        });
      }
    } finally {
      running = false;
    }
  };
  return {
    write(hostId: string, lastSeenAt: string): void {
      pending.set(hostId, lastSeenAt);
      void drain();
    },
    /** a removed host's pending write is dropped */
    drop(hostId: string): void {
      pending.delete(hostId);
    },
  };
}
