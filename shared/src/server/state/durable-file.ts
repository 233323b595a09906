import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMP_SUFFIX = '.tmp';

/**
 * Atomic, durable replacement of one file that also keeps `<file>.bak` as a second copy of the
 * same generation: both copies are written to uniquely named temp files and fsynced, then renamed
 * over `.bak` and the file, then the directory is fsynced. At every instant the file is either the
 * old or the new complete content, and so is the `.bak`; once this resolves, both hold the new one,
 * so a damaged file is restored from a `.bak` that holds every acknowledged change.
 *
 * Every byte is written before anything is renamed (renames need no space): a full disk fails the
 * write with nothing changed. The `.bak` is renamed first, so the file itself never holds a
 * generation whose write failed.
 */
export async function writeFileDurable(file: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(file);
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const tmp = join(dir, `.${basename(file)}.${tag}${TEMP_SUFFIX}`);
  const bakTmp = join(dir, `.${basename(file)}.bak.${tag}${TEMP_SUFFIX}`);
  try {
    await writeSynced(tmp, data, mode);
    await writeSynced(bakTmp, data, mode);
    await rename(bakTmp, `${file}.bak`);
    await rename(tmp, file);
  } catch (err) {
    await Promise.all([unlink(tmp).catch(() => undefined), unlink(bakTmp).catch(() => undefined)]);
    throw err;
  }
  await fsyncDir(dir);
}

async function writeSynced(path: string, data: string, mode: number): Promise<void> {
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Our own temp files: `.<name>.<pid>.<12 hex>.tmp` (writeFileDurable, the disk probe) and the
 * `<name>.<pid>.<12 hex>.baktmp` links of earlier versions. Nothing else matches.
 */
const TEMP_NAMES = [/^\..+\.\d+\.[0-9a-f]{12}\.tmp$/, /^.+\.\d+\.[0-9a-f]{12}\.baktmp$/];

/**
 * Removes the temp files a crash (kill -9, power loss) left in `dir` mid-write. Call it only while
 * holding the data-directory lock, before anything writes: then no temp file can be in use.
 * Returns the names removed.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const removed: string[] = [];
  for (const e of entries) {
    if (!e.isFile() || !TEMP_NAMES.some((re) => re.test(e.name))) continue;
    await unlink(join(dir, e.name)).then(
      () => removed.push(e.name),
      () => undefined,
    );
  }
  return removed;
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads a file, or returns null when it does not exist. */
export async function readFileIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
