import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, link, lstat, open, readdir, rename, stat, statfs, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, UPLOAD_EXTENSIONS, UPLOAD_NAME_MAX, type UploadResult } from '@quantix/shared';
import { fsyncDir } from '@quantix/shared/server';
import { inspectImage } from '../images/qemu-img.ts';
import { ISO_MARK_OFFSET, typeFromMagic } from './file-type.ts';
import { fsError, resolveNewFileInsidePool, toPoolPath } from './path-guard.ts';

/*
 * ISOs and disk images (`.qcow2`, `.raw`, `.img`). A qcow2 (or a `.img` that is really one) can name
 * a backing file or an external data file — `/etc/shadow`, another VM's disk — that QEMU would open
 * for the guest, so every upload is inspected with `qemu-img info` on its temp file before it gets
 * its name (storage/images/image-check.ts): the format is what qemu-img detects, never the name;
 * only self-contained raw and qcow2 images of a sane size pass. An `.iso` must also be raw to
 * qemu-img and carry an ISO 9660 or UDF descriptor at 0x8001.
 */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)$/i;

/**
 * A safe file name from what the browser sent: the last path component only, accents folded,
 * control and format characters (NUL, bidi overrides) dropped, everything outside `[A-Za-z0-9._-]`
 * turned into `_`, no leading dot or dash (hidden files, `..`, option injection into tools), no
 * Windows device name (the file may be downloaded to Windows), at most 200 characters, and one of
 * `extensions` at the end (lower-cased). A name with nothing usable left (e.g. all Cyrillic) becomes
 * `upload-<hash of the original>` so that two such uploads do not collide.
 */
export function sanitizeFileName(raw: string, extensions: readonly string[] = UPLOAD_EXTENSIONS): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cc}\p{Cf}]/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_{2,}/g, '_');
  const ext = extensions.find((e) => cleaned.toLowerCase().endsWith(e));
  if (!ext) {
    throw new AppError('VALIDATION_FAILED', `only ${extensions.join(', ')} files may be uploaded`);
  }
  if (last.slice(0, last.length - ext.length).replace(/[\s.]/g, '') === '') {
    throw new AppError('VALIDATION_FAILED', 'the file name is empty');
  }
  let stem = cleaned.slice(0, cleaned.length - ext.length).replace(/^[._-]+|[._-]+$/g, '');
  if (stem === '') stem = `upload-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  if (RESERVED.test(stem.split('.')[0] ?? '')) stem = `_${stem}`;
  return `${stem.slice(0, UPLOAD_NAME_MAX - ext.length)}${ext}`;
}

const TEMP_PREFIX = '.upload-';
const TEMP_SUFFIX = '.part';
const TEMP_NAME = /^\.upload-[0-9a-f]{16}\.part$/;

/** Our own in-progress uploads: hidden from listings (and safe to sweep after a crash). */
export function isUploadTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

export const DEFAULT_UPLOAD_IDLE_MS = 60_000;

export interface UploadInput {
  /** the pool's target directory (absolute); uploads go into its root, where libvirt sees volumes */
  poolRoot: string;
  /** as the client sent it; sanitised here */
  fileName: string;
  stream: Readable;
  maxBytes: number;
  /** the declared length (Content-Length), checked against the limit before anything is written */
  expectedBytes?: number | undefined;
  /** called after each chunk is on disk, with the byte count so far */
  onProgress?: ((bytes: number) => void) | undefined;
  /** abort when no byte arrives for this long */
  idleTimeoutMs?: number | undefined;
}

/** A new upload's temporary file, open for writing, and where it will go. */
export interface UploadTarget {
  /** the sanitised final name */
  name: string;
  /** the real pool root, the directory the file goes in, and its final path */
  root: string;
  dir: string;
  file: string;
  /** `<dir>/.upload-<id>.part` */
  tmp: string;
  fh: FileHandle;
}

/** 16 hex characters: names the temp file (and, over a hub's link, the upload). */
export function newUploadId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The checks before any byte is written, then the temp file: the name is sanitised, a declared
 * size over the limit or over the pool's free space is refused, an existing file of that name is
 * UPLOAD_EXISTS, and `<pool>/.upload-<id>.part` is created (mode 0644, O_EXCL, O_NOFOLLOW).
 */
export async function openUpload(opts: {
  poolRoot: string;
  fileName: string;
  maxBytes: number;
  expectedBytes?: number | undefined;
  id?: string;
}): Promise<UploadTarget> {
  const name = sanitizeFileName(opts.fileName);
  const { maxBytes, expectedBytes } = opts;
  if (expectedBytes !== undefined && expectedBytes > maxBytes) throw tooLarge(maxBytes);

  const { root, dir, file } = await resolveNewFileInsidePool(opts.poolRoot, '', name);
  await assertAbsent(file, name);
  if (expectedBytes !== undefined) await assertSpace(dir, expectedBytes);

  const tmp = join(dir, `${TEMP_PREFIX}${opts.id ?? newUploadId()}${TEMP_SUFFIX}`);
  if (!isUploadTempName(basename(tmp))) throw new AppError('INTERNAL', 'bad upload id');
  // read-write: the ISO descriptor is checked on the written file before it is published
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fh = await open(tmp, flags, 0o644).catch((err: unknown) => {
    throw fsError(err, name);
  });
  try {
    await fh.chmod(0o644); // whatever the umask
  } catch (err) {
    await discardUpload({ name, root, dir, file, tmp, fh });
    throw fsError(err, name);
  }
  return { name, root, dir, file, tmp, fh };
}

/**
 * The upload is complete at `size` bytes: the file is fsynced and closed, inspected with qemu-img
 * under its temp name (an `.iso` must be an ISO image, anything else a self-contained raw or qcow2
 * image), then given its final name with link(2) (never replacing anything) and the directory
 * fsynced. On failure the caller discards it.
 */
export async function publishUpload(t: UploadTarget, size: number): Promise<UploadResult> {
  const iso = t.name.toLowerCase().endsWith('.iso');
  if (iso) await assertIsoSignature(t.fh, size);
  await t.fh.sync();
  await t.fh.close();
  const image = await inspectImage(t.tmp, iso ? 'iso' : 'disk');
  await publish(t.tmp, t.file, t.name);
  await fsyncDir(t.dir);
  return {
    name: t.name,
    path: toPoolPath(t.root, t.file),
    size,
    format: image.format,
    virtualSize: image.virtualSize,
  };
}

/** Closes and removes the temp file (whatever state it is in). */
export async function discardUpload(t: UploadTarget): Promise<void> {
  await t.fh.close().catch(() => undefined);
  await unlink(t.tmp).catch(() => undefined);
}

/**
 * Streams an upload into `<pool>/.upload-<random>.part` (see openUpload) with backpressure —
 * memory stays at a few chunks whatever the size — then publishes it (see publishUpload).
 * On any failure (limit exceeded, client gone, stall, disk full, an image refused) the temp file is removed.
 */
export async function receiveUpload(input: UploadInput): Promise<UploadResult> {
  const t = await openUpload(input);
  try {
    const size = await copyInto(t.fh, input);
    if (input.expectedBytes !== undefined && size !== input.expectedBytes) {
      throw new AppError('VALIDATION_FAILED', `upload ended after ${size} of ${input.expectedBytes} bytes`);
    }
    return await publishUpload(t, size);
  } catch (err) {
    await discardUpload(t);
    throw fsError(err, t.name);
  }
}

/** The body into the file through a Writable, so pipeline applies backpressure to the source. */
async function copyInto(fh: FileHandle, input: UploadInput): Promise<number> {
  const { stream, maxBytes, onProgress } = input;
  const idleMs = input.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_MS;
  let total = 0;
  let diskError: unknown;
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stream.destroy(new AppError('VALIDATION_FAILED', `upload stalled: no data for ${idleMs / 1000} s`));
    }, idleMs);
  };
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      arm();
      total += chunk.length;
      if (total > maxBytes) return cb(tooLarge(maxBytes));
      writeAll(fh, chunk).then(
        () => {
          onProgress?.(total);
          cb();
        },
        (err: unknown) => {
          diskError = err;
          cb(err as Error);
        },
      );
    },
  });
  arm();
  try {
    await pipeline(stream, sink);
  } catch (err) {
    // Our own verdicts and write errors (ENOSPC, EIO) stand; any other failure came from the source:
    // the client closed the connection, reset it, or its stream broke.
    if (err instanceof AppError || (diskError !== undefined && err === diskError)) throw err;
    throw new AppError('VALIDATION_FAILED', `upload aborted by the client after ${total} bytes`, {
      cause: err,
    });
  } finally {
    clearTimeout(idle);
  }
  return total;
}

/** Writes the whole buffer at the file's current position (write(2) may write less). */
export async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.length - off);
    off += bytesWritten;
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('UPLOAD_TOO_LARGE', `the upload limit is ${maxBytes} bytes`);
}

async function assertAbsent(file: string, name: string): Promise<void> {
  try {
    await lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fsError(err, name);
  }
  throw new AppError('UPLOAD_EXISTS', `${name} already exists in this pool`);
}

async function assertSpace(dir: string, bytes: number): Promise<void> {
  const fs = await statfs(dir).catch(() => null);
  if (fs && fs.bavail * fs.bsize < bytes) {
    throw new AppError('INSUFFICIENT_SPACE', `the pool has ${fs.bavail * fs.bsize} bytes free`);
  }
}

async function assertIsoSignature(fh: FileHandle, size: number): Promise<void> {
  const mark = Buffer.alloc(5);
  const { bytesRead } =
    size >= ISO_MARK_OFFSET + 5 ? await fh.read(mark, 0, 5, ISO_MARK_OFFSET) : { bytesRead: 0 };
  if (typeFromMagic(Buffer.alloc(0), mark.subarray(0, bytesRead)) !== 'iso') {
    throw new AppError('VALIDATION_FAILED', 'not an ISO image: no ISO 9660 or UDF descriptor at 0x8001');
  }
}

/** Final name without replacing anything: link(2) fails with EEXIST. */
async function publish(tmp: string, file: string, name: string): Promise<void> {
  try {
    await link(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('UPLOAD_EXISTS', `${name} already exists in this pool`);
    // File systems without hard links (vfat, some FUSE): check, then rename — a small race we accept there.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw err;
    await assertAbsent(file, name);
    await rename(tmp, file);
    return;
  }
  await unlink(tmp);
}

/** Removes temp files of uploads that a crash or kill left in a pool root. */
export async function sweepStaleUploads(
  poolRoot: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  for (const name of await readdir(poolRoot)) {
    if (!isUploadTempName(name)) continue;
    const st = await stat(join(poolRoot, name)).catch(() => null);
    if (st && now - st.mtimeMs > olderThanMs) {
      await unlink(join(poolRoot, name)).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}

/**
 * A `.part` file untouched this long belongs to no live upload, on this host or another one sharing
 * the pool (NFS): a live upload writes at least once per idle timeout, and a stalled one is removed
 * when it times out. Young leftovers wait for a later sweep.
 */
export const STALE_UPLOAD_MS = 10 * DEFAULT_UPLOAD_IDLE_MS;

/**
 * Sweeps every running pool that has a directory. One pool's failure (its directory is gone, an NFS
 * server does not answer) does not stop the others: it is reported by pool name.
 */
export async function sweepStaleUploadsInPools(
  pools: ReadonlyArray<{ name: string; state: string; path: string | null }>,
  olderThanMs = STALE_UPLOAD_MS,
  now = Date.now(),
): Promise<{ removed: number; failed: Array<{ pool: string; error: string }> }> {
  let removed = 0;
  const failed: Array<{ pool: string; error: string }> = [];
  for (const pool of pools) {
    if (pool.state !== 'running' || !pool.path) continue;
    try {
      removed += await sweepStaleUploads(pool.path, olderThanMs, now);
    } catch (err) {
      // no directory, no leftovers (libvirt's test driver has pools at paths that do not exist)
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      failed.push({ pool: pool.name, error: (err as Error).message });
    }
  }
  return { removed, failed };
}
