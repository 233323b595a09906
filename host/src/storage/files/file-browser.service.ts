import type { Dirent, Stats } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AppError,
  type FileEntry,
  type FileListing,
  type FileListQuery,
  type FileType,
  type UploadResult,
} from '@quantix/shared';
import { modeStrings, sniffType, typeFromName } from './file-type.ts';
import { fsError, isInside, realPoolRoot, resolveInsidePool, toPoolPath } from './path-guard.ts';
import { isUploadTempName, type UploadInput, receiveUpload } from './upload.ts';

export interface FileDownload {
  stream: Readable;
  size: number;
  /** the real file's base name, for Content-Disposition */
  name: string;
}

export interface FileBrowser {
  /** One page of a pool directory: directories first, then by name. Read-only. */
  list(poolName: string, poolRoot: string, query: FileListQuery): Promise<FileListing>;
  /** A regular file inside the pool, opened for reading; anything else is NOT_A_FILE. */
  openDownload(poolRoot: string, path: string): Promise<FileDownload>;
  /** Streams an ISO into the pool's root directory (see upload.ts). */
  upload(poolRoot: string, input: Omit<UploadInput, 'poolRoot'>): Promise<UploadResult>;
}

/** Entries described at once: bounds open file descriptors while sniffing a 500-entry page. */
const DESCRIBE_CONCURRENCY = 16;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

interface Candidate {
  dirent: Dirent;
  /** the in-pool target of a symlink, resolved once for ordering and again reused for the entry */
  link?: { real: string; st: Stats } | null;
}

export function createFileBrowser(): FileBrowser {
  return {
    async list(poolName, poolRoot, query) {
      const root = await realPoolRoot(poolRoot);
      const dir = await resolveInsidePool(root, query.path);
      const dirStat = await stat(dir).catch((err: unknown) => {
        throw fsError(err, query.path);
      });
      if (!dirStat.isDirectory()) throw new AppError('NOT_A_DIRECTORY', `not a directory: ${query.path}`);

      const dirents = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
        throw fsError(err, query.path);
      });
      // Ordering needs only names and types, which readdir gives; symlinks are resolved so that a
      // link to an in-pool directory sorts with the directories. Everything else waits for the page.
      const candidates: Candidate[] = [];
      for (const dirent of dirents) {
        if (isUploadTempName(dirent.name)) continue;
        candidates.push({ dirent });
      }
      await mapLimit(
        candidates.filter((c) => c.dirent.isSymbolicLink()),
        DESCRIBE_CONCURRENCY,
        async (c) => {
          c.link = await followInsidePool(root, join(dir, c.dirent.name));
        },
      );
      candidates.sort(
        (a, b) =>
          Number(!isDirLike(a)) - Number(!isDirLike(b)) ||
          collator.compare(a.dirent.name, b.dirent.name) ||
          (a.dirent.name < b.dirent.name ? -1 : a.dirent.name > b.dirent.name ? 1 : 0),
      );

      const page = candidates.slice(query.offset, query.offset + query.limit);
      const described = await mapLimit(page, DESCRIBE_CONCURRENCY, (c) => describe(root, dir, c));
      return {
        pool: poolName,
        path: toPoolPath(root, dir),
        entries: described.filter((e): e is FileEntry => e !== null),
        total: candidates.length,
        offset: query.offset,
        limit: query.limit,
      };
    },

    async openDownload(poolRoot, path) {
      const real = await resolveInsidePool(poolRoot, path);
      // O_NOFOLLOW: the checked path is real, so a symlink here means it was swapped in since.
      // O_NONBLOCK: opening a FIFO must not hang the request.
      const fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
        (err: unknown) => {
          throw (err as NodeJS.ErrnoException).code === 'ELOOP'
            ? new AppError('PATH_OUTSIDE_POOL', 'the file changed into a symlink')
            : fsError(err, path);
        },
      );
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new AppError('NOT_A_FILE', `not a regular file: ${path}`);
        const name = basename(real);
        if (st.size === 0) {
          await fh.close();
          return { stream: Readable.from([]), size: 0, name };
        }
        // Bounded by the size sent as Content-Length, even if the file grows meanwhile.
        return { stream: fh.createReadStream({ start: 0, end: st.size - 1 }), size: st.size, name };
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
    },

    upload(poolRoot, input) {
      return receiveUpload({ ...input, poolRoot });
    },
  };
}

function isDirLike(c: Candidate): boolean {
  return c.dirent.isDirectory() || (c.link?.st.isDirectory() ?? false);
}

/** Where a symlink leads, if that is inside the pool; null when it dangles or leaves the pool. */
async function followInsidePool(root: string, abs: string): Promise<{ real: string; st: Stats } | null> {
  try {
    const real = await realpath(abs);
    if (!isInside(root, real)) return null;
    return { real, st: await stat(real) };
  } catch {
    return null;
  }
}

async function typeOf(abs: string, name: string, st: Stats): Promise<FileType> {
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'other';
  const guess = typeFromName(name);
  return 'type' in guess ? guess.type : sniffType(abs, guess.fallback);
}

async function describe(root: string, dir: string, c: Candidate): Promise<FileEntry | null> {
  const name = c.dirent.name;
  const abs = join(dir, name);
  let lst: Stats;
  try {
    lst = await lstat(abs);
  } catch {
    return null; // removed since readdir
  }
  const base = { name, path: toPoolPath(root, abs) };
  if (lst.isSymbolicLink()) {
    // Out-of-pool targets are never stat'ed for the answer: their size, time and mode stay private.
    const link = c.link === undefined ? await followInsidePool(root, abs) : c.link;
    const shown = link?.st ?? lst;
    return {
      ...base,
      type: 'symlink',
      size: link?.st.isFile() ? link.st.size : 0,
      modifiedAt: shown.mtime.toISOString(),
      ...modeStrings(shown.mode),
      link: link
        ? { path: toPoolPath(root, link.real), type: await typeOf(link.real, basename(link.real), link.st) }
        : null,
    };
  }
  return {
    ...base,
    type: await typeOf(abs, name, lst),
    size: lst.isFile() ? lst.size : 0,
    modifiedAt: lst.mtime.toISOString(),
    ...modeStrings(lst.mode),
  };
}

/** Promise.all with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
