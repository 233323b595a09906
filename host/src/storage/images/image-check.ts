import { AppError, type ImageInfo } from '@quantix/shared';
import { z } from 'zod';

/** The largest disk the host makes (VolumeSpec's limit): 64 TiB. */
export const MAX_VIRTUAL_SIZE = 2 ** 46;

/** The part of `qemu-img info --output=json` the checks read; everything else passes through. */
export const QemuImgInfo = z.looseObject({
  format: z.string(),
  'virtual-size': z.number().int().nonnegative(),
  'actual-size': z.number().int().nonnegative().optional(),
  'backing-filename': z.string().optional(),
  'full-backing-filename': z.string().optional(),
  'backing-filename-format': z.string().optional(),
  encrypted: z.boolean().optional(),
  'format-specific': z
    .looseObject({
      type: z.string().optional(),
      data: z
        .looseObject({
          'data-file': z.string().optional(),
          corrupt: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type QemuImgInfo = z.infer<typeof QemuImgInfo>;

function refuse(message: string): AppError {
  return new AppError('IMAGE_REFUSED', message);
}

/**
 * The verdict on what qemu-img found. The name of the file plays no part: the format is what qemu-img
 * detected. Refused: any format but raw and qcow2 (a VMDK descriptor names other files as its
 * extents), any backing file (QEMU would open it for the guest: `/etc/shadow`, another VM's disk),
 * a qcow2 external data file (the same, for the data), encryption, a qcow2 marked corrupt, and a
 * virtual size of zero or above 64 TiB. `expect: 'iso'` also requires raw: an ISO is a raw image.
 * `allowBacking` lets a backing file through when its absolute path and its format (raw or qcow2)
 * are recorded: the caller then decides whether that file may be opened (see imageBacking).
 */
export function checkImage(
  raw: unknown,
  expect: 'iso' | 'disk',
  opts: { allowBacking?: boolean } = {},
): ImageInfo {
  const parsed = QemuImgInfo.safeParse(raw);
  if (!parsed.success) throw refuse('qemu-img gave no usable description of the file');
  const info = parsed.data;
  if (info.format !== 'raw' && info.format !== 'qcow2') {
    throw refuse(`the file is a ${info.format} image; only raw and qcow2 images are accepted`);
  }
  if (expect === 'iso' && info.format !== 'raw') {
    throw refuse(`the file is a ${info.format} image, not an ISO`);
  }
  const backing = info['backing-filename'] ?? info['full-backing-filename'];
  if (backing !== undefined && opts.allowBacking && expect === 'disk') {
    const full = info['full-backing-filename'];
    const format = info['backing-filename-format'];
    if (!full?.startsWith('/') || (format !== 'raw' && format !== 'qcow2')) {
      throw refuse(
        `the image names a backing file (${JSON.stringify(backing)}) without an absolute path and a raw or qcow2 format`,
      );
    }
  } else if (backing !== undefined) {
    throw refuse(
      `the image names a backing file (${JSON.stringify(backing)}); only self-contained images are accepted`,
    );
  }
  const data = info['format-specific']?.data;
  if (data?.['data-file'] !== undefined) {
    throw refuse(`the image keeps its data in an external file (${JSON.stringify(data['data-file'])})`);
  }
  if (info.encrypted) throw refuse('the image is encrypted');
  if (data?.corrupt) throw refuse('qemu-img reports the qcow2 image as corrupt');
  const size = info['virtual-size'];
  if (size <= 0) throw refuse('the image has a virtual size of 0 bytes');
  if (size > MAX_VIRTUAL_SIZE) {
    throw refuse(`the image's virtual size (${size} bytes) is over the 64 TiB limit`);
  }
  return { format: info.format, virtualSize: size, actualSize: info['actual-size'] ?? null };
}

/** The backing file checkImage let through with `allowBacking`: its absolute path and recorded format. */
export function imageBacking(raw: unknown): { path: string; format: 'raw' | 'qcow2' } | null {
  const parsed = QemuImgInfo.safeParse(raw);
  if (!parsed.success) return null;
  const path = parsed.data['full-backing-filename'];
  const format = parsed.data['backing-filename-format'];
  if (!path || (format !== 'raw' && format !== 'qcow2')) return null;
  return { path, format };
}
