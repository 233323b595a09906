import {
  AppError,
  type AssignmentState,
  HostPoolStatus,
  type PoolAssignment,
  type SharedPool,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HostLinks } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import { parseAnswer } from './host-answer.ts';

export interface PoolApplierDeps {
  store: HubStore;
  links: Pick<HostLinks, 'command' | 'live'>;
  events: Pick<EventStore, 'record'>;
  /** told every change of a pool or its assignments (null: the pool was deleted) */
  emit: (name: string, pool: SharedPool | null) => void;
  now?: () => Date;
}

/** The link is down, or the host did not answer in time: it may still act on the command. */
const unreachable = (err: unknown): boolean =>
  err instanceof AppError && (err.code === 'HOST_NOT_CONNECTED' || err.code === 'COMMAND_TIMEOUT');

/** Mounting an NFS export (or unmounting it) can take a while before the server's timeout. */
export const POOL_COMMAND_TIMEOUT_MS = 120_000;

export const WAITING_FOR_HOST = 'waiting for the host to connect';
export const REMOVAL_WAITING = 'the host went away during the removal; it finishes when the host reconnects';

/**
 * The one place a pool's assignment to a host changes state from what the host answered. Every
 * operation on one (pool, host) pair runs alone (`exclusive`): the API's assign and unassign and the
 * reconciler never interleave their commands and state writes for the same pair.
 */
export function createPoolApplier(deps: PoolApplierDeps) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const chains = new Map<string, Promise<unknown>>();

  const record = (level: 'info' | 'warning', message: string, by: string) =>
    void deps.events.record({ level, category: 'storage', message, source: by });
  const hostName = async (hostId: string) => (await deps.store.getHost(hostId))?.hostname ?? hostId;

  /** runs `fn` once every earlier operation on this pool and host has ended */
  const exclusive = <T>(name: string, hostId: string, fn: () => Promise<T>): Promise<T> => {
    const key = `${name}\n${hostId}`;
    const run = (chains.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return run;
  };

  const assignment = async (name: string, hostId: string): Promise<PoolAssignment | null> =>
    (await deps.store.getPool(name))?.assignments.find((a) => a.hostId === hostId) ?? null;

  const setState = async (
    name: string,
    hostId: string,
    state: AssignmentState,
    message: string | null,
  ): Promise<SharedPool> => {
    const pool = await deps.store.setAssignment(name, { hostId, state, message, changedAt: now() });
    deps.emit(name, pool);
    return pool;
  };

  /**
   * Sends `pool.apply` and records what came of it: `active` (libvirt runs the pool), `inactive`
   * (defined but not running), `error` (the host refused: libvirt's message), or `pending` again
   * while the host is not connected. Call inside `exclusive`. Nothing is done for an assignment
   * that is gone or being removed.
   */
  const applyNow = async (name: string, hostId: string, by: string): Promise<SharedPool | null> => {
    const pool = await deps.store.getPool(name);
    const a = pool?.assignments.find((x) => x.hostId === hostId);
    if (!pool || !a || a.state === 'removing') return pool;
    const host = await hostName(hostId);
    let status: HostPoolStatus;
    try {
      status = parseAnswer(
        HostPoolStatus,
        await deps.links.command(
          hostId,
          { type: 'pool.apply', definition: pool.definition },
          POOL_COMMAND_TIMEOUT_MS,
        ),
        'pool.apply',
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'HOST_NOT_CONNECTED') {
        return setState(name, hostId, 'pending', WAITING_FOR_HOST);
      }
      const message = (err as Error).message;
      record('warning', `Shared pool "${name}" could not be set up on ${host}: ${message}`, by);
      return setState(name, hostId, 'error', message);
    }
    if (status.state === 'running') {
      // applied again on a host where it was active already (the reconciler checks them all):
      // nothing changed, so nothing is written, pushed or recorded
      if (a.state === 'active') return pool;
      record('info', `Shared pool "${name}" is active on ${host}`, by);
      return setState(name, hostId, 'active', null);
    }
    const message = `libvirt reports the pool ${status.state}`;
    record('warning', `Shared pool "${name}" is not running on ${host}: ${message}`, by);
    return setState(name, hostId, 'inactive', message);
  };

  /**
   * Sends `pool.remove` for an assignment in `removing` and drops it once the host has stopped and
   * undefined the pool (its data stays). Unreachable host: stays `removing`, finished on reconnect.
   * The host refuses (a VM took it meanwhile): the assignment becomes `onRefusal` again. Call inside
   * `exclusive`; throws what the host said.
   */
  const removeNow = async (
    name: string,
    hostId: string,
    by: string,
    onRefusal: { state: AssignmentState; message: string | null },
  ): Promise<SharedPool> => {
    const host = await hostName(hostId);
    try {
      await deps.links.command(hostId, { type: 'pool.remove', name }, POOL_COMMAND_TIMEOUT_MS);
    } catch (err) {
      if (unreachable(err)) {
        await setState(name, hostId, 'removing', REMOVAL_WAITING);
      } else {
        const message = (err as Error).message;
        record('warning', `Shared pool "${name}" could not be removed from ${host}: ${message}`, by);
        await setState(
          name,
          hostId,
          onRefusal.state,
          onRefusal.state === 'error' ? `could not be removed: ${message}` : onRefusal.message,
        );
      }
      throw err;
    }
    const pool = await deps.store.removeAssignment(name, hostId);
    deps.emit(name, pool);
    record('info', `Shared pool "${name}" removed from ${host} (its files were left in place)`, by);
    return pool;
  };

  return { exclusive, assignment, setState, applyNow, removeNow, hostName };
}
export type PoolApplier = ReturnType<typeof createPoolApplier>;
