import type { Logger } from '@quantix/shared/server';
import type { HostLinks, HostLive } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { PoolApplier } from './pool-applier.ts';

export interface PoolReconciler {
  stop(): void;
  /** resolves when every convergence under way has ended (tests, shutdown) */
  settled(): Promise<void>;
}

/** What the hub writes as the author of what it does on its own. */
export const RECONCILER_SOURCE = 'hub';

/**
 * Brings a host in line with the hub whenever its link comes up: every pool assigned to it that is
 * not `active` is applied again (`pending` after an offline assignment, `error`, `inactive`), and a
 * removal the host went away in the middle of (`removing`) is finished. One host at a time, one
 * pool after the other, each under the applier's lock of its (pool, host) pair.
 */
export function startPoolReconciler(deps: {
  store: Pick<HubStore, 'listPools' | 'listHosts'>;
  links: Pick<HostLinks, 'live' | 'onChange'>;
  applier: PoolApplier;
  log: Pick<Logger, 'warn' | 'info'>;
}): PoolReconciler {
  const { links, applier, log } = deps;
  const lastState = new Map<string, HostLive['state']>();
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const convergeHost = async (hostId: string): Promise<void> => {
    for (const pool of await deps.store.listPools()) {
      if (stopped || links.live(hostId).state !== 'connected') return; // it went away again: next time
      const name = pool.definition.name;
      if (!pool.assignments.some((a) => a.hostId === hostId)) continue;
      try {
        await applier.exclusive(name, hostId, async () => {
          // read again under the lock: the API may have changed it meanwhile
          const a = await applier.assignment(name, hostId);
          if (!a || a.state === 'active') return;
          if (a.state === 'removing') {
            await applier.removeNow(name, hostId, RECONCILER_SOURCE, { state: 'error', message: null });
          } else {
            await applier.applyNow(name, hostId, RECONCILER_SOURCE);
          }
        });
      } catch (err) {
        // recorded on the assignment (and in the event log) by the applier; the next pool goes on
        log.warn({ err, pool: name, hostId }, 'could not converge a shared pool on a host');
      }
    }
  };

  const converge = (hostId: string): void => {
    const before = running.get(hostId) ?? Promise.resolve();
    const next = before.then(() => convergeHost(hostId));
    const tail = next.catch((err: unknown) => log.warn({ err, hostId }, 'shared pool convergence failed'));
    running.set(hostId, tail);
    void tail.then(() => {
      if (running.get(hostId) === tail) running.delete(hostId);
    });
  };

  const onChange = (hostId: string): void => {
    if (stopped) return;
    const state = links.live(hostId).state;
    const was = lastState.get(hostId);
    lastState.set(hostId, state);
    // only on the edge: status heartbeats of a connected host change nothing here
    if (state === 'connected' && was !== 'connected') converge(hostId);
  };
  const off = links.onChange(onChange);
  // hosts whose link came up before the reconciler started
  const initial = deps.store.listHosts().then(
    (hosts) => {
      for (const h of hosts) if (!lastState.has(h.hostId)) onChange(h.hostId);
    },
    (err: unknown) => log.warn({ err }, 'could not list hosts to converge shared pools'),
  );

  return {
    stop() {
      stopped = true;
      off();
    },
    async settled() {
      await initial;
      while (running.size > 0) await Promise.all([...running.values()]);
    },
  };
}
