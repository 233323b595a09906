import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

export interface TempRoot {
  /** the directory (set once the file's tests start) */
  readonly path: string;
  /** a new empty directory inside it, named `<prefix><random>` */
  fresh(prefix?: string): Promise<string>;
}

/** A temp directory for the tests of one file: made before they run, removed with all in it after. */
export function tempRoot(prefix: string): TempRoot {
  let path = '';
  before(async () => {
    path = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    // retried: a test's store may still finish a write (a new file) while the tree is removed
    await rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  return {
    get path() {
      return path;
    },
    fresh: (name = 'd-') => mkdtemp(join(path, name)),
  };
}
