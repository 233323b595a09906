import { AppError, type ImageFormat, type ImageInfo } from '@quantix/shared';
import { checkImage, imageBacking } from '../storage/images/image-check.ts';
import { qemuImgInfo } from '../storage/images/qemu-img.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import type { VmInventory } from './vm-inventory.ts';

/** a template's volume under a linked clone's volume under …: more is no chain Quantix makes */
const MAX_DEPTH = 8;

/**
 * Checks a pool volume before QEMU or qemu-img opens it for a VM (a clone's copy, a disk attached
 * on the Hardware tab): the checkImage rules, read with the given format (a VM's disk as its
 * `<driver type>` says; probed when none is given). A backing file is accepted only when it is a
 * disk of a template in the same pool, in the format that template uses — a linked clone's disk;
 * anything else (`-b /etc/shadow`, `data-file=/dev/sda` written by a guest into a raw disk) is
 * IMAGE_REFUSED. A raw volume needs no look: nothing in it is read as a header.
 */
export async function checkVolumeImage(
  deps: { storage: StorageService; inventory: VmInventory },
  start: { path: string; pool: string; format?: ImageFormat },
): Promise<ImageInfo> {
  let path = start.path;
  let format = start.format;
  let first: ImageInfo | undefined;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const raw = await qemuImgInfo(path, format);
    const info = checkImage(raw, 'disk', { allowBacking: true });
    first ??= info;
    const backing = imageBacking(raw);
    if (!backing) return first;
    const vol = (await deps.storage.locate([backing.path])).get(backing.path);
    const template = deps.inventory
      .all()
      .find(
        (r) =>
          r.spec.metadata.template &&
          r.spec.disks.some((d) => d.device === 'disk' && d.source === backing.path),
      );
    const templateFormat = template?.spec.disks.find((d) => d.source === backing.path)?.format;
    if (!vol || vol.pool !== start.pool || !template || templateFormat !== backing.format) {
      throw new AppError(
        'IMAGE_REFUSED',
        `${path} names a backing file (${backing.path}, ${backing.format}) that is no disk of a template in pool "${start.pool}"`,
      );
    }
    path = backing.path;
    format = backing.format;
  }
  throw new AppError('IMAGE_REFUSED', `${start.path} has a backing chain deeper than ${MAX_DEPTH}`);
}

/** The VMs whose disks are overlays on this volume (linked clones of the template it belongs to). */
export async function overlayUsers(
  deps: { storage: StorageService; inventory: VmInventory },
  path: string,
): Promise<{ volumes: string[]; vms: string[] }> {
  const overlays = await deps.storage.overlaysOf(path);
  const paths = new Set(overlays.map((o) => o.path));
  const vms = deps.inventory
    .all()
    .filter((r) => r.spec.disks.some((d) => d.source && paths.has(d.source)))
    .map((r) => r.info.name)
    .sort();
  return { volumes: overlays.map((o) => `${o.pool}/${o.volume}`), vms };
}
