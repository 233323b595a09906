import { AppError, type FileListing, type LinkCommand } from '@quantix/shared';
import type { FileBrowser } from '../../storage/files/file-browser.service.ts';
import type { StorageService } from '../../storage/pools/pool.service.ts';

export type FileCommand = Extract<LinkCommand, { type: 'files.list' }>;

export interface FileCommandsDeps {
  storage: Pick<StorageService, 'pool'>;
  browser: FileBrowser;
}

/** A pool's directory, for browsing and uploads; a pool without one (LVM) is POOL_NOT_FOUND. */
export async function poolDirectory(storage: Pick<StorageService, 'pool'>, name: string): Promise<string> {
  const p = await storage.pool(name);
  if (!p.path) throw new AppError('POOL_NOT_FOUND', `storage pool "${name}" has no directory to browse`);
  return p.path;
}

/**
 * `files.list`: one page of a pool directory for a hub, through the same file browser (and so the
 * same realpath containment: `..`, absolute paths and symlinks out of the pool are
 * PATH_OUTSIDE_POOL) as the host's own `GET /storage/pools/:pool/files`. Answers `FileListing`.
 */
export function createFileCommands(deps: FileCommandsDeps) {
  return async (cmd: FileCommand, _ctx: { hubName: string }): Promise<FileListing> =>
    deps.browser.list(cmd.pool, await poolDirectory(deps.storage, cmd.pool), {
      path: cmd.path,
      offset: cmd.offset,
      limit: cmd.limit,
    });
}
