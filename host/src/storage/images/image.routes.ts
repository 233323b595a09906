import { AppError, VirtName, VolumeName } from '@quantix/shared';
import { Router } from 'express';
import { parseOr400 } from '@quantix/shared/server';
import type { StorageService } from '../pools/pool.service.ts';
import { createImageInspector } from './image-inspector.ts';

/**
 * Mounted at `/api/v1/storage`:
 *   GET /pools/:pool/volumes/:volume/image → VolumeImageInfo: what qemu-img finds in the volume
 *       (format, virtual size), or IMAGE_REFUSED when it could not be imported (a backing file…);
 *       at most 2 qemu-img at once, the answer kept while the file's mtime and size stay the same
 */
export function imageRoutes(deps: { storage: StorageService }): Router {
  const r = Router();
  const images = createImageInspector({ concurrency: 2 });
  r.get('/pools/:pool/volumes/:volume/image', async (req, res) => {
    const pool = parseOr400(VirtName, req.params.pool);
    const volume = parseOr400(VolumeName, req.params.volume);
    const v = (await deps.storage.listVolumes(pool)).find((x) => x.name === volume);
    if (!v) throw new AppError('VOLUME_NOT_FOUND', `no volume "${volume}" in pool "${pool}"`);
    res.json({ pool, volume, ...(await images.inspect(v.path)) });
  });
  return r;
}
