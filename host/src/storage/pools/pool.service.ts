import {
  AppError,
  type PoolCreateRequest,
  type PoolSummary,
  type VolumeCreateRequest,
  type VolumeSummary,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../../hypervisor/hypervisor-monitor.ts';
import { statfs } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PoolInfo, VolumeInfo } from '../../hypervisor/hypervisor.ts';
import { buildPoolXml, parsePoolXml } from '../../libvirt-xml/pool-xml.ts';
import { buildVolumeXml, parseVolumeBackingPath, parseVolumeXml } from '../../libvirt-xml/volume-xml.ts';

const GiB = 1024 ** 3;

/** Which VM uses which file or device: provided by the VM service. */
export type DiskUsers = () => Promise<Array<{ vm: string; path: string; running: boolean }>>;

export interface PoolRef extends PoolSummary {
  /** libvirt's pool object, for other services (VM creation, the file browser) */
  info: PoolInfo;
}

/** An ISO upload's temporary file (storage/files/upload.ts): not a volume until it is complete. */
const isUploadTemp = (key: string) => /^\.upload-[0-9a-f]+\.part$/.test(basename(key));

/** Volumes that could not be read, each with libvirt's reason (a file deleted behind its back). */
export type SkippedVolumes = Array<{ key: string; reason: string }>;

export interface StorageService {
  listPools(): Promise<PoolSummary[]>;
  pool(name: string): Promise<PoolRef>;
  createPool(req: PoolCreateRequest, by: string, progress?: (step: string) => void): Promise<PoolSummary>;
  startPool(name: string, by: string): Promise<void>;
  stopPool(name: string, by: string): Promise<void>;
  setPoolAutostart(name: string, on: boolean): Promise<void>;
  deletePool(name: string, by: string): Promise<void>;
  /**
   * The defined VMs whose disks or CD-ROMs are in the pool (its volumes, or files under its
   * directory), sorted: what stopping or removing it would pull from under them.
   */
  poolUsers(name: string): Promise<string[]>;
  listVolumes(pool: string): Promise<VolumeSummary[]>;
  /** the volumes, and those that could not be read this time */
  listVolumesReport(pool: string): Promise<{ volumes: VolumeSummary[]; skipped: SkippedVolumes }>;
  /** which pool volume each of these paths is, for the paths that are one */
  locate(paths: string[]): Promise<Map<string, { pool: string; volume: string; capacity: number }>>;
  /**
   * The volumes of the running pools whose backing file (qcow2 `<backingStore>`) is this path:
   * linked clones' overlays on a template's volume, which must outlive them.
   */
  overlaysOf(path: string): Promise<Array<{ pool: string; volume: string; path: string }>>;
  createVolume(pool: string, req: VolumeCreateRequest, by: string): Promise<VolumeSummary>;
  deleteVolume(pool: string, name: string, by: string): Promise<void>;
  resizeVolume(pool: string, name: string, sizeGiB: number, by: string): Promise<void>;
}

/** [] for a pool stopped or removed by someone else since it was listed; any other error stands */
function noneIfGone(err: unknown): never[] {
  const { code, message } = err as AppError;
  if (code === 'POOL_NOT_FOUND' || (code === 'VM_STATE_INVALID' && /not active/i.test(message))) return [];
  throw err;
}

export function createStorageService(deps: {
  monitor: HypervisorMonitor;
  events: EventStore;
  diskUsers: DiskUsers;
  /** why a block device must not be wiped (empty: it may be) */
  deviceUsage: (devicePath: string) => Promise<string[]>;
}): StorageService {
  const hv = () => deps.monitor.get();
  const record = (message: string, source: string, level: 'info' | 'warning' = 'info') =>
    void deps.events.record({ level, category: 'storage', message, source });

  /**
   * What a non-root writer can still use: libvirt's figure for a directory pool counts the blocks
   * ext4 keeps for root (229 GiB "free" where `df` says 79), so statfs decides where there is a path.
   */
  const usable = async (info: PoolInfo, type: string, path: string | null): Promise<number> => {
    if (!info.active || !path || (type !== 'dir' && type !== 'netfs')) return info.available;
    try {
      const fs = await statfs(path);
      return Math.min(info.available, fs.bavail * fs.bsize);
    } catch {
      return info.available;
    }
  };
  /**
   * Its volumes' keys, or none once someone else stopped or removed it since it was listed (libvirt:
   * "storage pool 'x' is not active", or no such pool): a list of pools is not failed by one of them.
   */
  const keysOf = (info: PoolInfo): Promise<string[]> =>
    info.active ? hv().volumeKeys(info.uuid).catch(noneIfGone) : Promise.resolve([]);
  const summarize = async (info: PoolInfo): Promise<PoolRef> => {
    const parsed = parsePoolXml(info.xml);
    // the keys alone: a volume whose file went missing is still counted, and nothing is read per volume
    const keys = await keysOf(info);
    return {
      uuid: info.uuid,
      name: info.name,
      type: parsed.type,
      state: info.state,
      autostart: info.autostart,
      capacity: info.capacity,
      allocation: info.allocation,
      available: await usable(info, parsed.type, parsed.path),
      volumes: keys.filter((k) => !isUploadTemp(k)).length,
      path: parsed.path,
      info,
    };
  };
  /** A pool's volumes, refreshed first when asked; a volume that vanished triggers one more refresh. */
  const volumesOf = async (
    info: PoolInfo,
    refresh: boolean,
  ): Promise<{ volumes: VolumeInfo[]; skipped: SkippedVolumes }> => {
    if (!info.active) return { volumes: [], skipped: [] };
    if (refresh) await hv().refreshPool(info.uuid);
    let list = await hv().listVolumes(info.uuid);
    if (list.skipped.length > 0) {
      await hv().refreshPool(info.uuid);
      list = await hv().listVolumes(info.uuid);
    }
    return {
      volumes: list.volumes.filter((v) => !isUploadTemp(v.path)),
      skipped: list.skipped.filter((s) => !isUploadTemp(s.key)),
    };
  };
  const find = async (name: string): Promise<PoolInfo> => {
    const info = (await hv().listPools()).find((p) => p.name === name);
    if (!info) throw new AppError('POOL_NOT_FOUND', `no storage pool named "${name}"`);
    return info;
  };
  const usersOf = async (paths: string[], opts: { runningOnly?: boolean } = {}): Promise<string[]> => {
    const set = new Set(paths);
    const users = (await deps.diskUsers()).filter((u) => set.has(u.path) && (!opts.runningOnly || u.running));
    return [...new Set(users.map((u) => u.vm))].sort();
  };
  const overlaysOf = async (path: string) => {
    const out: Array<{ pool: string; volume: string; path: string }> = [];
    for (const info of await hv().listPools()) {
      // another pool that cannot be listed now (its directory gone) holds no overlay of ours: a
      // linked clone's overlay is made in its template volume's pool, and that one must answer
      const dir = parsePoolXml(info.xml).path?.replace(/\/+$/, '');
      const mine = !!dir && path.startsWith(`${dir}/`);
      const listed = await volumesOf(info, false).catch((err: unknown) => {
        if (mine) throw err;
        return { volumes: [] };
      });
      for (const v of listed.volumes) {
        if (parseVolumeBackingPath(v.xml) === path) {
          out.push({ pool: info.name, volume: parseVolumeXml(v.xml).name, path: v.path });
        }
      }
    }
    return out;
  };
  const volumeReport = async (pool: string) => {
    const info = await find(pool);
    // files added behind libvirt's back (an ISO upload, a copy) appear only after a refresh
    const { volumes, skipped } = await volumesOf(info, true);
    return {
      volumes: volumes.map((v) => parseVolumeXml(v.xml)).sort((a, b) => a.name.localeCompare(b.name)),
      skipped,
    };
  };
  const strip = ({ info: _info, ...summary }: PoolRef): PoolSummary => summary;
  /**
   * Who uses the pool: a disk that is one of its volumes, or (dir and NFS pools) a file under its
   * directory — an ISO in a subdirectory is no libvirt volume, and an inactive pool lists none.
   */
  const poolUsersOf = async (info: PoolInfo): Promise<string[]> => {
    const keys = new Set(info.active ? await hv().volumeKeys(info.uuid) : []);
    const parsed = parsePoolXml(info.xml);
    const dir =
      parsed.type === 'dir' || parsed.type === 'netfs' ? parsed.path?.replace(/\/+$/, '') : undefined;
    const inDir = (p: string) => dir !== undefined && dir !== '' && p.startsWith(`${dir}/`);
    const users = (await deps.diskUsers()).filter((u) => keys.has(u.path) || inDir(u.path));
    return [...new Set(users.map((u) => u.vm))].sort();
  };
  /** A pool holding disks of defined VMs cannot be stopped or removed: say which VMs. */
  const assertUnused = async (info: PoolInfo) => {
    const users = await poolUsersOf(info);
    if (users.length) {
      throw new AppError(
        'POOL_IN_USE',
        `storage pool "${info.name}" has volumes in use by: ${users.join(', ')}`,
        {
          details: { vms: users },
        },
      );
    }
  };

  return {
    async listPools() {
      const pools = await hv().listPools();
      return (await Promise.all(pools.map(summarize)))
        .map(strip)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async pool(name) {
      return summarize(await find(name));
    },
    async createPool(req, by, progress) {
      const h = hv();
      if ((await h.listPools()).some((p) => p.name === req.name)) {
        throw new AppError('NAME_TAKEN', `a storage pool named "${req.name}" already exists`);
      }
      if (req.type === 'logical' && req.devices) {
        // building an LVM pool runs pvcreate on these devices: never on one that holds anything
        progress?.('Checking that the devices are unused');
        for (const dev of req.devices) {
          const reasons = await deps.deviceUsage(dev);
          if (reasons.length) {
            throw new AppError('DEVICE_IN_USE', `${dev} is not wiped: ${reasons.join('; ')}`, {
              details: { device: dev, reasons },
            });
          }
        }
      }
      progress?.('Defining the pool');
      const defined = await h.definePool(buildPoolXml(req));
      let built = false;
      try {
        // Building makes the directory / mount point. For LVM only when devices were given: that
        // runs pvcreate and vgcreate on them; without devices the volume group must already exist.
        if (req.type !== 'logical' || req.devices) {
          built = true;
          progress?.(req.type === 'logical' ? 'Creating the volume group' : 'Creating the target directory');
          await h.buildPool(defined.uuid);
        }
        progress?.(req.type === 'netfs' ? `Mounting ${req.host}:${req.exportPath}` : 'Starting the pool');
        await h.startPool(defined.uuid);
        await h.setPoolAutostart(defined.uuid, true);
      } catch (err) {
        // leave nothing half-made behind
        await h.stopPool(defined.uuid).catch(() => undefined);
        // what build made (a directory, a mount point, a volume group on the given devices) goes too
        if (built) await h.deletePoolStorage(defined.uuid).catch(() => undefined);
        await h.undefinePool(defined.uuid).catch(() => undefined);
        throw err;
      }
      record(`Storage pool "${req.name}" (${req.type}) created`, by);
      return strip(await summarize(await h.pool(defined.uuid)));
    },
    async startPool(name, by) {
      await hv().startPool((await find(name)).uuid);
      record(`Storage pool "${name}" started`, by);
    },
    async stopPool(name, by) {
      const info = await find(name);
      await assertUnused(info);
      await hv().stopPool(info.uuid);
      record(`Storage pool "${name}" stopped`, by);
    },
    async setPoolAutostart(name, on) {
      await hv().setPoolAutostart((await find(name)).uuid, on);
    },
    async deletePool(name, by) {
      const info = await find(name);
      await assertUnused(info);
      if (info.active) await hv().stopPool(info.uuid);
      await hv().undefinePool(info.uuid);
      record(`Storage pool "${name}" removed (its files were left in place)`, by, 'warning');
    },
    async poolUsers(name) {
      return poolUsersOf(await find(name));
    },
    listVolumesReport: volumeReport,
    overlaysOf,
    async listVolumes(pool) {
      return (await volumeReport(pool)).volumes;
    },
    async locate(paths) {
      const out = new Map<string, { pool: string; volume: string; capacity: number }>();
      if (paths.length === 0) return out;
      const wanted = new Set(paths);
      for (const info of await hv().listPools()) {
        if (!info.active) continue;
        // removed or stopped since the listing (by someone else): it holds none of these now
        const keys = await keysOf(info);
        if (!keys.some((k) => wanted.has(k))) continue;
        const { volumes } = await volumesOf(info, false).catch((err: unknown) => ({
          volumes: noneIfGone(err),
        }));
        for (const v of volumes) {
          if (wanted.has(v.path)) out.set(v.path, { pool: info.name, volume: v.name, capacity: v.capacity });
        }
      }
      return out;
    },
    async createVolume(pool, req, by) {
      const info = await find(pool);
      const bytes = Math.round(req.sizeGiB * GiB);
      // qcow2 and sparse raw files take no space up front, but a disk larger than what is free can
      // never be filled: refuse it, like ESXi does for thick disks
      const parsed = parsePoolXml(info.xml);
      const free = await usable(info, parsed.type, parsed.path);
      if (bytes > free) {
        throw new AppError(
          'INSUFFICIENT_SPACE',
          `${req.sizeGiB} GiB does not fit in pool "${pool}" (${(free / GiB).toFixed(1)} GiB free)`,
        );
      }
      const v = await hv().createVolume(
        info.uuid,
        buildVolumeXml({ name: req.name, format: req.format, capacityBytes: bytes }),
      );
      record(`Volume "${req.name}" (${req.sizeGiB} GiB ${req.format}) created in pool "${pool}"`, by);
      return parseVolumeXml(v.xml);
    },
    async deleteVolume(pool, name, by) {
      const info = await find(pool);
      const vol = (await volumesOf(info, false)).volumes.find((v) => v.name === name);
      if (!vol) throw new AppError('VOLUME_NOT_FOUND', `no volume "${name}" in pool "${pool}"`);
      const users = await usersOf([vol.path]);
      if (users.length) {
        throw new AppError('VOLUME_IN_USE', `volume "${name}" is in use by: ${users.join(', ')}`, {
          details: { vms: users },
        });
      }
      // a template's volume under linked clones: their overlays read it for every block they never wrote
      const overlays = await overlaysOf(vol.path);
      if (overlays.length) {
        const vms = await usersOf(overlays.map((o) => o.path));
        throw new AppError(
          'VOLUME_IN_USE',
          `volume "${name}" is the backing file of ${overlays.map((o) => `${o.pool}/${o.volume}`).join(', ')}${
            vms.length ? ` (disks of ${vms.join(', ')})` : ''
          }: delete those first`,
          { details: { vms } },
        );
      }
      await hv().deleteVolume(info.uuid, name);
      record(`Volume "${name}" deleted from pool "${pool}"`, by, 'warning');
    },
    async resizeVolume(pool, name, sizeGiB, by) {
      const info = await find(pool);
      const vol = (await volumesOf(info, false)).volumes.find((v) => v.name === name);
      if (!vol) throw new AppError('VOLUME_NOT_FOUND', `no volume "${name}" in pool "${pool}"`);
      // growing the disk of a VM that is off is routine; under a running guest it is not
      const users = await usersOf([vol.path], { runningOnly: true });
      if (users.length) {
        throw new AppError('VOLUME_IN_USE', `volume "${name}" is in use by running VM: ${users.join(', ')}`, {
          details: { vms: users },
        });
      }
      await hv().resizeVolume(info.uuid, name, Math.round(sizeGiB * GiB));
      record(`Volume "${name}" in pool "${pool}" resized to ${sizeGiB} GiB`, by);
    },
  };
}
