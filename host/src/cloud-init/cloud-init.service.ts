import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, type CloudInitConfig } from '@quantix/shared';
import { fsyncDir } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { realPoolRoot } from '../storage/files/path-guard.ts';
import type { DiskUsers, StorageService } from '../storage/pools/pool.service.ts';
import { buildSeedFiles } from './cloud-init-files.ts';
import { hashPassword } from './password-hash.ts';
import { writeSeedIso } from './seed-iso.ts';

/** Where a VM's seed goes: `<pool dir>/<vm>-cidata.iso`, a volume of that pool once written. */
export interface SeedPlan {
  pool: string;
  volume: string;
  path: string;
}

const SEED_SUFFIX = '-cidata.iso';

/** The seed the host wrote for the VM `vmName` (by its file name): removed with the VM's disks. */
export function isSeedPath(path: string | null | undefined, vmName: string): boolean {
  return !!path && basename(path) === `${vmName}${SEED_SUFFIX}`;
}

export interface SeedService {
  /** checks the pool (running, with a directory) and says where the seed of `vmName` will be */
  plan(config: CloudInitConfig, vmName: string, defaultPool: string): Promise<SeedPlan>;
  /**
   * hashes the password, writes the ISO (0600) under a temp name, then gives it its name — never
   * over an existing file (NAME_TAKEN); the pool sees it at once. On failure nothing is left.
   */
  write(
    plan: SeedPlan,
    config: CloudInitConfig,
    vm: { name: string; uuid: string; mac: string | null },
  ): Promise<void>;
}

export function createSeedService(deps: {
  monitor: HypervisorMonitor;
  storage: StorageService;
  diskUsers: DiskUsers;
}): SeedService {
  return {
    async plan(config, vmName, defaultPool) {
      const name = config.pool ?? defaultPool;
      const pool = await deps.storage.pool(name);
      if (pool.state !== 'running')
        throw new AppError('VM_STATE_INVALID', `storage pool "${name}" is not running`);
      if (!pool.path || (pool.type !== 'dir' && pool.type !== 'netfs')) {
        throw new AppError(
          'NOT_SUPPORTED',
          `the cloud-init seed is a file: pool "${name}" (${pool.type}) has no directory; choose a directory pool for it`,
        );
      }
      const volume = `${vmName}${SEED_SUFFIX}`;
      const path = join(await realPoolRoot(pool.path), volume);
      const users = (await deps.diskUsers()).filter((u) => u.path === path).map((u) => u.vm);
      if (users.length) {
        throw new AppError('VOLUME_IN_USE', `the seed ${volume} is in use by: ${users.join(', ')}`);
      }
      // a file of that name that no VM uses (a deleted VM's seed, someone's upload) is not ours to replace
      const exists = await lstat(path).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      if (exists) {
        throw new AppError(
          'NAME_TAKEN',
          `pool "${name}" already has a file ${volume}: delete it, or put the seed in another pool`,
        );
      }
      return { pool: name, volume, path };
    },
    async write(plan, config, vm) {
      const passwordHash = config.password ? await hashPassword(config.password) : config.passwordHash;
      const files = buildSeedFiles(config, {
        name: vm.name,
        instanceId: `iid-${vm.uuid}`,
        mac: vm.mac,
        ...(passwordHash ? { passwordHash } : {}),
      });
      const dir = plan.path.slice(0, plan.path.length - plan.volume.length);
      // the upload temp name: hidden from volume lists, and swept if the host dies meanwhile
      const tmp = join(dir, `.upload-${randomBytes(8).toString('hex')}.part`);
      try {
        await writeSeedIso(files, tmp);
        // the password hash and user-data are for the VM (QEMU: libvirt hands the file to it), no one else
        await chmod(tmp, 0o600);
        // never over a file that appeared since plan(): link fails where rename would replace
        await link(tmp, plan.path).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
          throw new AppError('NAME_TAKEN', `pool "${plan.pool}" already has a file ${plan.volume}`);
        });
        await unlink(tmp).catch(() => undefined);
        await fsyncDir(dir);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      const pool = await deps.storage.pool(plan.pool);
      await deps.monitor.get().refreshPool(pool.uuid);
    },
  };
}
