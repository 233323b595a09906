import type { Logger } from '@quantix/shared/server';
import type { HostLinks } from '../link/host-links.ts';
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
 * Brings a host in line with the hub whenever its link comes up: every pool assigned to it is
 * applied again — `pending` after an offline assignment, `error`, `inactive`, and `active` too,
 * since the host may have lost it meanwhile (an NFS pool that failed to autostart at boot, a pool
 * undefined by hand); `pool.apply` only starts what is stopped and changes nothing else — and a
 * removal the host went away in the middle of (`removing`) is finished. One host at a time, one
 * pool after the other, each under the applier's lock of its (pool, host) pair.
 *
 * "Comes up" is each new link (`onLinkUp`), not the `connected` state: a host restarted within the
 * grace period never leaves `connected`. And a host dials its hubs before it reaches libvirt, so
 * the work waits for the first status on that link saying libvirt answers (sent at once, then every
 * few seconds); a host whose libvirt comes back while its link stays up is converged again then.
 */
export function startPoolReconciler(deps: {
  store: Pick<HubStore, 'listPools' | 'listHosts'>;
  links: Pick<HostLinks, 'live' | 'onChange' | 'onLinkUp'>;
  applier: PoolApplier;
  log: Pick<Logger, 'warn' | 'info'>;
}): PoolReconciler {
  const { links, applier, log } = deps;
  /**
   * The hosts whose current link is followed: whether its last status said libvirt answers (null:
   * no status on this link yet), and the `at` of the status the hub still held from an earlier
   * link, which says nothing of this one.
   */
  const followed = new Map<string, { hypervisor: boolean | null; staleAt: string | null }>();
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
          if (!a) return;
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

  const onLinkUp = (hostId: string): void => {
    if (stopped) return;
    followed.set(hostId, { hypervisor: null, staleAt: links.live(hostId).status?.at ?? null });
  };
  const onChange = (hostId: string): void => {
    if (stopped) return;
    const live = links.live(hostId);
    if (live.state !== 'connected') return void followed.delete(hostId); // until its next link
    const f = followed.get(hostId);
    const status = live.status;
    if (!f || !status || status.at === f.staleAt) return;
    const was = f.hypervisor;
    f.hypervisor = status.hypervisorAvailable;
    // heartbeats change nothing; libvirt answering for the first time on this link, or again, does
    if (status.hypervisorAvailable && was !== true) converge(hostId);
  };
  const offUp = links.onLinkUp(onLinkUp);
  const off = links.onChange(onChange);
  // hosts whose link came up before the reconciler started: their next status (or the one held)
  const initial = deps.store.listHosts().then(
    (hosts) => {
      for (const h of hosts) {
        if (followed.has(h.hostId) || links.live(h.hostId).state !== 'connected') continue;
        followed.set(h.hostId, { hypervisor: null, staleAt: null });
        onChange(h.hostId);
      }
    },
    (err: unknown) => log.warn({ err }, 'could not list hosts to converge shared pools'),
  );

  return {
    stop() {
      stopped = true;
      off();
      offUp();
    },
    async settled() {
      await initial;
      while (running.size > 0) await Promise.all([...running.values()]);
    },
  };
}
