import {
  AppError,
  type HostPoolStatus,
  type LinkCommand,
  type PoolCreateRequest,
  type PoolUsage,
  type SharedPoolDefinition,
} from '@quantix/shared';
import {
  type ParsedPool,
  parsePoolXml,
  poolMountOptions,
  splitMountOptions,
} from '../../libvirt-xml/pool-xml.ts';
import type { StorageService } from '../../storage/pools/pool.service.ts';

export type PoolCommand = Extract<LinkCommand, { type: 'pool.apply' | 'pool.remove' | 'pool.usage' }>;

export interface PoolCommandsDeps {
  storage: StorageService;
}

const trimSlash = (p: string | null): string | null => (p && p.length > 1 ? p.replace(/\/+$/, '') : p);

/** Why the pool libvirt has under this name is not the hub's definition; null when it is. */
export function definitionMismatch(
  def: SharedPoolDefinition,
  have: ParsedPool,
  mountOptions: string[],
): string | null {
  if (have.type !== def.type) return `it is a ${have.libvirtType} pool, not ${def.type}`;
  if (trimSlash(have.path) !== trimSlash(def.path))
    return `its path is ${have.path ?? 'unset'}, not ${def.path}`;
  if (def.type === 'netfs') {
    if (have.source.host !== def.host || trimSlash(have.source.dir) !== trimSlash(def.exportPath)) {
      return `it mounts ${have.source.host ?? '?'}:${have.source.dir ?? '?'}, not ${def.host}:${def.exportPath}`;
    }
    const want = splitMountOptions(def.options);
    if (want.join(',') !== mountOptions.join(',')) {
      return `its mount options are "${mountOptions.join(',')}", not "${want.join(',')}"`;
    }
  }
  return null;
}

/** A pool that is not (or no longer) there answers `value`; any other error stands. */
const unlessMissing =
  <T>(value: T) =>
  (err: unknown): T => {
    if (err instanceof AppError && err.code === 'POOL_NOT_FOUND') return value;
    throw err;
  };

function toCreateRequest(def: SharedPoolDefinition): PoolCreateRequest {
  return def.type === 'dir'
    ? { type: 'dir', name: def.name, path: def.path }
    : {
        type: 'netfs',
        name: def.name,
        host: def.host,
        exportPath: def.exportPath,
        path: def.path,
        options: def.options,
      };
}

/**
 * `pool.apply`, `pool.remove`, `pool.usage`: a hub's shared pools on this host, through the
 * storage service (its rules — POOL_IN_USE, undo of a half-made pool, the event log — hold as
 * they do for the host's own UI). Each answer is what the hub parses: `HostPoolStatus`, null,
 * `PoolUsage`.
 */
export function createPoolCommands(deps: PoolCommandsDeps) {
  const { storage } = deps;

  const status = async (name: string): Promise<HostPoolStatus> => {
    const p = await storage.pool(name);
    return { name: p.name, state: p.state, capacity: p.capacity, available: p.available };
  };
  const exists = async (name: string): Promise<boolean> =>
    (await storage.listPools()).some((p) => p.name === name);

  /**
   * Idempotent: the same definition again starts the pool if it is stopped and turns autostart
   * on, nothing more; another pool under the name is refused, never redefined (its VMs, its data).
   */
  const apply = async (def: SharedPoolDefinition, by: string): Promise<HostPoolStatus> => {
    if (!(await exists(def.name))) {
      await storage.createPool(toCreateRequest(def), by);
      return status(def.name);
    }
    const ref = await storage.pool(def.name);
    const why = definitionMismatch(def, parsePoolXml(ref.info.xml), poolMountOptions(ref.info.xml));
    if (why) {
      throw new AppError(
        'NAME_TAKEN',
        `this host already has another storage pool named "${def.name}": ${why}; rename or remove it first`,
      );
    }
    if (ref.state !== 'running') await storage.startPool(def.name, by);
    if (!ref.autostart) await storage.setPoolAutostart(def.name, true);
    return status(def.name);
  };

  return async (cmd: PoolCommand, ctx: { hubName: string }): Promise<HostPoolStatus | PoolUsage | null> => {
    const by = `hub ${ctx.hubName}`;
    switch (cmd.type) {
      case 'pool.apply':
        return apply(cmd.definition, by);
      case 'pool.remove':
        // stops and undefines, refusing while VMs use it; the files stay. Gone already: done.
        await storage.deletePool(cmd.name, by).catch(unlessMissing(undefined));
        return null;
      case 'pool.usage':
        return { vms: await storage.poolUsers(cmd.name).catch(unlessMissing([])) };
    }
  };
}
