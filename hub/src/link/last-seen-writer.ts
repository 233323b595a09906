import type { Logger } from '@quantix/shared/server';
import type { HubStore } from '../store/hub-store.ts';

/**
 * Writes a host's lastSeenAt when its link goes down — never per heartbeat, so thousands of hosts
 * do not rewrite hub.json every few seconds. What is waiting goes in one transaction: a restarting
 * switch or a host simulator's end drops a whole fleet's links at once, and hub.json is rewritten
 * whole for each transaction (one per host took minutes of CPU for a thousand hosts). A host that
 * flaps while its write waits is written once, with its latest value.
 */
export function createLastSeenWriter(deps: { store: Pick<HubStore, 'recordLastSeen'>; log: Logger }) {
  let pending = new Map<string, string>();
  let running = false;
  const drain = async () => {
    if (running) return;
    running = true;
    try {
      while (pending.size > 0) {
        const batch = pending;
        pending = new Map();
        await deps.store.recordLastSeen(batch).catch((err: unknown) => {
          deps.log.warn({ err, hosts: batch.size }, 'could not record when hosts were last seen');
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
