import { AppError, type ImageFormat, type VmCreateRequest } from '@quantix/shared';
import type { DomainSpec } from '../libvirt-xml/domain-xml.ts';
import { convertImage, inspectImage } from '../storage/images/qemu-img.ts';
import type { DiskUsers, StorageService } from '../storage/pools/pool.service.ts';
import type { OperationVolumes } from '../storage/volumes/pending-volumes.ts';

const GiB = 1024 ** 3;

type DiskRequest = VmCreateRequest['disks'][number];
export type DomainDiskSpec = DomainSpec['disks'][number];

/** One disk of a new VM, checked: what to make (or use) and where. */
interface PlannedDisk {
  kind: 'blank' | 'image' | 'volume';
  pool: string;
  /** the new volume's name (blank and image) */
  name: string;
  /** the disk's format as attached */
  format: ImageFormat;
  type: 'file' | 'block';
  /** the new volume's size; 0 for an existing volume */
  capacityBytes: number;
  /** image: the file copied from (and its detected format); volume: the volume used */
  source?: { path: string; format: ImageFormat; label: string };
}

export interface DiskPlan {
  disks: PlannedDisk[];
  /** bytes each pool must have free for the new volumes */
  need: Map<string, number>;
}

export interface DiskSteps {
  by: string;
  /** a new progress step */
  say: (message: string) => void;
  /** the same step, news (a copy's percent) */
  again: (message: string) => void;
  /** every volume made is recorded here at once, for the caller's rollback */
  made: Array<{ pool: string; name: string }>;
  /** journals each new volume before it is made (pending-volumes.ts) */
  volumes: OperationVolumes;
}

export interface VmDiskSources {
  /** looks up and inspects every source, before anything is made */
  plan(vmName: string, disks: DiskRequest[]): Promise<DiskPlan>;
  /** makes the new volumes (copying images into theirs, with progress); the specs buildDomainXml takes */
  realize(plan: DiskPlan, steps: DiskSteps): Promise<DomainDiskSpec[]>;
}

/**
 * Where a new VM's disks come from (VmCreateRequest `disks[].source`): a new blank volume, an image
 * volume copied and converted into a new volume (`qemu-img convert -p`), or an existing volume
 * used as it is. Images and existing volumes are inspected with qemu-img first, like uploads: a
 * backing file or an external data file is refused, and the format is the detected one.
 */
export function createVmDiskSources(deps: { storage: StorageService; diskUsers: DiskUsers }): VmDiskSources {
  const findVolume = async (pool: string, volume: string) => {
    const v = (await deps.storage.listVolumes(pool)).find((x) => x.name === volume);
    if (!v) throw new AppError('VOLUME_NOT_FOUND', `no volume "${volume}" in pool "${pool}"`);
    return v;
  };
  return {
    async plan(vmName, disks) {
      const planned: PlannedDisk[] = [];
      const need = new Map<string, number>();
      const usedPaths = new Set<string>();
      for (const [i, d] of disks.entries()) {
        const src = d.source ?? { type: 'blank' as const };
        if (src.type === 'volume') {
          const v = await findVolume(src.pool, src.volume);
          const users = (await deps.diskUsers()).filter((u) => u.path === v.path).map((u) => u.vm);
          if (users.length || usedPaths.has(v.path)) {
            throw new AppError(
              'VOLUME_IN_USE',
              `volume "${src.volume}" is in use by: ${[...new Set(users)].join(', ') || vmName}`,
            );
          }
          // a template's volume that linked clones read: a guest writing to it would corrupt them
          const overlays = await deps.storage.overlaysOf(v.path);
          if (overlays.length) {
            throw new AppError(
              'VOLUME_IN_USE',
              `volume "${src.volume}" is the backing file of ${overlays.map((o) => `${o.pool}/${o.volume}`).join(', ')}`,
            );
          }
          usedPaths.add(v.path);
          const info = await inspectImage(v.path);
          planned.push({
            kind: 'volume',
            pool: src.pool,
            name: src.volume,
            format: info.format,
            type: v.type === 'block' ? 'block' : 'file',
            capacityBytes: 0,
            source: { path: v.path, format: info.format, label: `${src.pool}/${src.volume}` },
          });
          continue;
        }
        const pool = await deps.storage.pool(d.pool);
        const logical = pool.type === 'logical';
        const format: ImageFormat = logical ? 'raw' : d.format;
        const name = `${vmName}-disk${i}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
        let capacityBytes = Math.round(d.sizeGiB * GiB);
        let source: PlannedDisk['source'];
        if (src.type === 'image') {
          const v = await findVolume(src.pool, src.volume);
          const info = await inspectImage(v.path);
          // the image's own disk size is the least the copy can have
          capacityBytes = Math.max(capacityBytes, info.virtualSize);
          source = { path: v.path, format: info.format, label: `${src.pool}/${src.volume}` };
        }
        need.set(d.pool, (need.get(d.pool) ?? 0) + capacityBytes);
        planned.push({
          kind: src.type,
          pool: d.pool,
          name,
          format,
          type: logical ? 'block' : 'file',
          capacityBytes,
          ...(source ? { source } : {}),
        });
      }
      return { disks: planned, need };
    },

    async realize(plan, steps) {
      const out: DomainDiskSpec[] = [];
      const n = plan.disks.length;
      for (const [i, d] of plan.disks.entries()) {
        if (d.kind === 'volume' && d.source) {
          steps.say(`Disk ${i + 1} of ${n}: using volume ${d.source.label} (${d.format}) as it is`);
          out.push({ path: d.source.path, format: d.format, type: d.type });
          continue;
        }
        const gib = (d.capacityBytes / GiB).toFixed(1);
        steps.say(
          d.kind === 'image'
            ? `Disk ${i + 1} of ${n}: copying image ${d.source?.label} into a ${gib} GiB ${d.format} volume in "${d.pool}"`
            : `Creating disk ${i + 1} of ${n} (${gib} GiB ${d.format}) in "${d.pool}"`,
        );
        const ref = { pool: d.pool, name: d.name };
        const vol = await steps.volumes.making(ref, () =>
          deps.storage.createVolume(
            d.pool,
            { name: d.name, format: d.format, sizeGiB: d.capacityBytes / GiB },
            steps.by,
          ),
        );
        steps.made.push(ref);
        if (d.kind === 'image' && d.source) {
          const label = d.source.label;
          await convertImage({
            src: d.source.path,
            srcFormat: d.source.format,
            dst: vol.path,
            dstFormat: d.format,
            onProgress: (p) => steps.again(`Disk ${i + 1} of ${n}: copying image ${label}: ${p}%`),
          });
        }
        out.push({ path: vol.path, format: d.format, type: d.type });
      }
      return out;
    },
  };
}
