import { createHash } from 'node:crypto';
import { readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { AppError } from '@quantix/shared';

export interface DataLock {
  release(): Promise<void>;
}

/**
 * An exclusive lock on the data directory. The kernel enforces it: we bind a Linux
 * abstract-namespace Unix socket named after the directory's real path. Only one process can
 * bind a name, and the kernel frees it when the process dies, even by kill -9, so there are no
 * stale locks to guess about. `<dir>/lock` records the owner's pid for the error message.
 */
export async function acquireDataLock(dir: string): Promise<DataLock> {
  const real = await realpath(dir);
  const name = `\0quantix-data-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
  const pidFile = join(dir, 'lock');
  const server = createServer();
  try {
    await listen(server, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const owner = (await readFile(pidFile, 'utf8').catch(() => '?')).trim();
    throw new AppError('STATE_LOCKED', `data directory ${real} is in use by another process (pid ${owner})`);
  }
  server.unref();
  // only names the owner in the error above: a full or read-only data disk must not stop the server
  await writeFile(pidFile, `${process.pid}\n`, { mode: 0o600 }).catch(() => undefined);
  return {
    async release() {
      await unlink(pidFile).catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
