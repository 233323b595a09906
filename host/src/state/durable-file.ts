import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Atomic, durable replacement of one file:
 * keep the previous generation as `<file>.bak` (hard link, then rename), write a uniquely
 * named temp file, fsync it, rename it over the target, fsync the directory.
 * At every instant the target is either the old or the new complete content.
 */
export async function writeFileDurable(file: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(file);
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const tmp = join(dir, `.${basename(file)}.${tag}.tmp`);
  await keepBackup(file, tag);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

async function keepBackup(file: string, tag: string): Promise<void> {
  const bakTmp = `${file}.${tag}.baktmp`;
  try {
    await link(file, bakTmp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rename(bakTmp, `${file}.bak`).catch(async (err: unknown) => {
    await unlink(bakTmp).catch(() => undefined);
    throw err;
  });
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
