import { AppError, VirtName, VolumeName } from '@quantix/shared';
import { Router } from 'express';
import { parseOr400 } from '@quantix/shared/server';
import type { StorageService } from '../pools/pool.service.ts';
import { inspectImage } from './qemu-img.ts';

/**
 * Mounted at `/api/v1/storage`:
 *   GET /pools/:pool/volumes/:volume/image → VolumeImageInfo: what qemu-img finds in the volume
 *       (format, virtual size), or IMAGE_REFUSED when it could not be imported (a backing file…)
 */
export function imageRoutes(deps: { storage: StorageService }): Router {
  const r = Router();
  r.get('/pools/:pool/volumes/:volume/image', async (req, res) => {
    const pool = parseOr400(VirtName, req.params.pool);
    const volume = parseOr400(VolumeName, req.params.volume);
    const v = (await deps.storage.listVolumes(pool)).find((x) => x.name === volume);
    if (!v) throw new AppError('VOLUME_NOT_FOUND', `no volume "${volume}" in pool "${pool}"`);
    res.json({ pool, volume, ...(await inspectImage(v.path)) });
  });
  return r;
}
