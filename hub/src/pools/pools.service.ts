import type { Readable } from 'node:stream';
import {
  AppError,
  FileListing,
  type FileListQuery,
  PoolUsage,
  type SharedPool,
  type SharedPoolDefinition,
  UPLOAD_EXTENSIONS,
  type UploadResult,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HostLinks } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import { parseAnswer } from './host-answer.ts';
import { createPoolApplier, type PoolApplier, WAITING_FOR_HOST } from './pool-applier.ts';
import { relayUpload } from './pool-upload.ts';

/** The host's own default (`QUANTIX_UPLOAD_MAX_BYTES`): what a hub relays is held to the same. */
export const DEFAULT_HUB_UPLOAD_MAX_BYTES = 16 * 1024 ** 3;

export interface PoolsServiceDeps {
  store: HubStore;
  links: Pick<HostLinks, 'command' | 'live'>;
  events: Pick<EventStore, 'record'>;
  /** told every change of a pool or its assignments (null: the pool was deleted) — `pool:changed` */
  emit: (name: string, pool: SharedPool | null) => void;
  maxUploadBytes?: () => number;
  uploadIdleMs?: number;
  now?: () => Date;
  /** shared with the reconciler, so that both serialise on the same (pool, host) pairs */
  applier?: PoolApplier;
}

export interface PoolsService {
  list(): Promise<SharedPool[]>;
  get(name: string): Promise<SharedPool>;
  create(definition: SharedPoolDefinition, by: string): Promise<SharedPool>;
  /** only while no host has it; the name cannot change */
  update(name: string, definition: SharedPoolDefinition, by: string): Promise<SharedPool>;
  remove(name: string, by: string): Promise<void>;
  /** stored as `pending`, then applied at once if the host is connected (else when it connects) */
  assign(name: string, hostId: string, by: string): Promise<SharedPool>;
  /** refused while the host's VMs use it or the host is not connected; the data stays */
  unassign(name: string, hostId: string, by: string): Promise<SharedPool>;
  files(name: string, query: FileListQuery & { hostId?: string | undefined }): Promise<FileListing>;
  upload(
    name: string,
    input: { hostId?: string | undefined; fileName: string; size: number; body: Readable },
    by: string,
  ): Promise<UploadResult>;
  readonly applier: PoolApplier;
}

/** A client's file name as it may appear in the event log: short, printable ASCII. */
const printable = (s: string): string => s.slice(0, 200).replace(/[^\x20-\x7e]/g, '?');

const describe = (d: SharedPoolDefinition): string =>
  d.type === 'dir' ? `directory ${d.path}` : `NFS ${d.host}:${d.exportPath} at ${d.path}`;

/** The hub's shared pools: one definition each, assigned to hosts over their links. */
export function createPoolsService(deps: PoolsServiceDeps): PoolsService {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const applier = deps.applier ?? createPoolApplier(deps);
  const maxUploadBytes = deps.maxUploadBytes ?? (() => DEFAULT_HUB_UPLOAD_MAX_BYTES);
  const record = (level: 'info' | 'warning', message: string, by: string) =>
    void deps.events.record({ level, category: 'storage', message, source: by });

  const get = async (name: string): Promise<SharedPool> => {
    const pool = await deps.store.getPool(name);
    if (!pool) throw new AppError('POOL_NOT_FOUND', `no shared pool "${name}"`);
    return pool;
  };
  const connected = (hostId: string) => deps.links.live(hostId).state === 'connected';

  /** A connected host where the pool is active: the one asked for, or the first such by name. */
  const hostFor = async (pool: SharedPool, hostId: string | undefined): Promise<string> => {
    const name = pool.definition.name;
    if (hostId !== undefined) {
      const a = pool.assignments.find((x) => x.hostId === hostId);
      const host = await applier.hostName(hostId);
      if (!a) throw new AppError('POOL_NOT_ON_HOST', `shared pool "${name}" is not assigned to ${host}`);
      if (!connected(hostId)) throw new AppError('HOST_NOT_CONNECTED', `${host} is not connected`);
      if (a.state !== 'active') {
        throw new AppError('POOL_NOT_ON_HOST', `shared pool "${name}" is ${a.state} on ${host}`);
      }
      return hostId;
    }
    const active = pool.assignments.filter((a) => a.state === 'active');
    if (active.length === 0)
      throw new AppError('POOL_NOT_ON_HOST', `shared pool "${name}" is active on no host`);
    const reachable = active.filter((a) => connected(a.hostId));
    const named = await Promise.all(reachable.map(async (a) => ({ a, n: await applier.hostName(a.hostId) })));
    const first = named.sort((x, y) => x.n.localeCompare(y.n))[0];
    if (!first) {
      throw new AppError('HOST_NOT_CONNECTED', `no host where shared pool "${name}" is active is connected`);
    }
    return first.a.hostId;
  };

  return {
    applier,
    list: () => deps.store.listPools(),
    get,
    async create(definition, by) {
      const pool = await deps.store.createPool(definition, now());
      deps.emit(definition.name, pool);
      record('info', `Shared pool "${definition.name}" created (${describe(definition)})`, by);
      return pool;
    },
    async update(name, definition, by) {
      if (definition.name !== name) {
        throw new AppError('VALIDATION_FAILED', `name: a shared pool cannot be renamed ("${name}")`);
      }
      const pool = await deps.store.updatePoolDefinition(definition);
      deps.emit(name, pool);
      record('info', `Shared pool "${name}" changed (${describe(definition)})`, by);
      return pool;
    },
    async remove(name, by) {
      await deps.store.deletePool(name);
      deps.emit(name, null);
      record('warning', `Shared pool "${name}" deleted (no host had it; the files were left in place)`, by);
    },

    async assign(name, hostId, by) {
      await get(name);
      const host = await deps.store.getHost(hostId);
      if (!host) throw new AppError('HOST_NOT_FOUND', `no host ${hostId} on this hub`);
      return applier.exclusive(name, hostId, async () => {
        const up = connected(hostId);
        const pool = await applier.setState(
          name,
          hostId,
          'pending',
          up ? 'waiting for the host to apply it' : WAITING_FOR_HOST,
        );
        record('info', `Shared pool "${name}" assigned to ${host.hostname}`, by);
        if (!up) return pool;
        return (await applier.applyNow(name, hostId, by)) ?? pool;
      });
    },

    async unassign(name, hostId, by) {
      return applier.exclusive(name, hostId, async () => {
        const pool = await get(name);
        const a = pool.assignments.find((x) => x.hostId === hostId);
        const host = await applier.hostName(hostId);
        if (!a) throw new AppError('NOT_FOUND', `shared pool "${name}" is not assigned to ${host}`);
        // the hub must not forget a pool that is still mounted on a host it cannot reach
        if (!connected(hostId)) {
          throw new AppError(
            'HOST_NOT_CONNECTED',
            `${host} is not connected: the pool cannot be removed from it now`,
          );
        }
        const usage = parseAnswer(
          PoolUsage,
          await deps.links.command(hostId, { type: 'pool.usage', name }),
          'pool.usage',
        );
        if (usage.vms.length > 0) {
          throw new AppError(
            'POOL_IN_USE',
            `shared pool "${name}" is used on ${host} by: ${usage.vms.join(', ')}; move or delete them first`,
            { details: { vms: usage.vms } },
          );
        }
        await applier.setState(name, hostId, 'removing', 'being removed from the host');
        return applier.removeNow(name, hostId, by, { state: a.state, message: a.message });
      });
    },

    async files(name, query) {
      const pool = await get(name);
      const hostId = await hostFor(pool, query.hostId);
      return parseAnswer(
        FileListing,
        await deps.links.command(hostId, {
          type: 'files.list',
          pool: name,
          path: query.path,
          offset: query.offset,
          limit: query.limit,
        }),
        'files.list',
      );
    },

    async upload(name, input, by) {
      const pool = await get(name);
      if (!UPLOAD_EXTENSIONS.some((e) => input.fileName.toLowerCase().endsWith(e))) {
        throw new AppError('VALIDATION_FAILED', `only ${UPLOAD_EXTENSIONS.join(', ')} files may be uploaded`);
      }
      const max = maxUploadBytes();
      if (input.size > max) throw new AppError('UPLOAD_TOO_LARGE', `the upload limit is ${max} bytes`);
      const hostId = await hostFor(pool, input.hostId);
      const host = await applier.hostName(hostId);
      try {
        const result = await relayUpload(deps.links, {
          hostId,
          pool: name,
          fileName: input.fileName,
          size: input.size,
          body: input.body,
          ...(deps.uploadIdleMs !== undefined ? { idleMs: deps.uploadIdleMs } : {}),
        });
        record(
          'info',
          `"${result.name}" (${(result.size / 2 ** 20).toFixed(1)} MiB) uploaded to shared pool "${name}" through ${host}`,
          by,
        );
        return result;
      } catch (err) {
        record(
          'warning',
          `Upload of "${printable(input.fileName)}" to shared pool "${name}" through ${host} failed: ${(err as Error).message}`,
          by,
        );
        throw err;
      }
    },
  };
}
