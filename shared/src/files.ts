import { z } from 'zod';
import { IsoTime } from './common.ts';

/** Relative path inside a pool, '/'-separated; '' is the pool's root. Containment is checked by the host. */
const PoolRelPath = z.string().max(4096);

export const FileType = z.enum([
  'directory',
  'iso',
  'qcow2',
  'raw',
  'vmdk',
  'vdi',
  'vhd',
  'file',
  'symlink',
  'other',
]);
export type FileType = z.infer<typeof FileType>;

export const FilePoolParams = z.object({ pool: z.string().min(1).max(256) });
export type FilePoolParams = z.infer<typeof FilePoolParams>;

/** `GET /storage/pools/:pool/files?path=&offset=&limit=` */
export const FileListQuery = z.object({
  path: PoolRelPath.default(''),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type FileListQuery = z.infer<typeof FileListQuery>;

/** `GET /storage/pools/:pool/files/download?path=` */
export const FileDownloadQuery = z.object({ path: PoolRelPath.min(1) });
export type FileDownloadQuery = z.infer<typeof FileDownloadQuery>;

/** `PUT /storage/pools/:pool/files/:name?path=<directory>` (raw body) */
export const FileUploadParams = FilePoolParams.extend({ name: z.string().min(1).max(1024) });
export type FileUploadParams = z.infer<typeof FileUploadParams>;
export const FileUploadQuery = z.object({ path: PoolRelPath.default('') });
export type FileUploadQuery = z.infer<typeof FileUploadQuery>;

/** Where an in-pool symlink leads; `null` on a symlink that dangles or points out of the pool. */
export const FileLink = z.object({ path: z.string(), type: FileType });
export type FileLink = z.infer<typeof FileLink>;

export const FileEntry = z.object({
  name: z.string(),
  /** relative to the pool root, '/'-separated */
  path: z.string(),
  type: FileType,
  /** bytes; 0 for directories and for symlinks that are not followed */
  size: z.number().int().nonnegative(),
  modifiedAt: IsoTime,
  /** octal permission bits, e.g. '0644' */
  mode: z.string().regex(/^[0-7]{4}$/),
  /** the same as `ls` shows them, e.g. 'rw-r--r--' */
  permissions: z.string().length(9),
  /** present on symlinks only */
  link: FileLink.nullable().optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const FileListing = z.object({
  pool: z.string(),
  /** the listed directory, canonical (symlinks resolved), relative to the pool root */
  path: z.string(),
  /** directories first, then by name */
  entries: z.array(FileEntry),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type FileListing = z.infer<typeof FileListing>;

export const UploadResult = z.object({
  /** the sanitized name the file was stored under */
  name: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative(),
  /** what qemu-img detected in the file (an ISO is raw), and the disk size a guest sees */
  format: z.enum(['raw', 'qcow2']).optional(),
  virtualSize: z.number().int().nonnegative().optional(),
});
export type UploadResult = z.infer<typeof UploadResult>;

/**
 * What the browser may upload: ISO images and raw or qcow2 disk images, each inspected with
 * qemu-img on the host before it is kept (see host/src/storage/files/upload.ts).
 */
export const UPLOAD_EXTENSIONS = ['.iso', '.qcow2', '.raw', '.img'] as const;
export const UPLOAD_NAME_MAX = 200;
