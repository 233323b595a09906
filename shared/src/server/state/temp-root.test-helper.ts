import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export interface TempRoot {
  /** the directory */
  readonly path: string;
  /** a new empty directory inside it, named `<prefix><random>` */
  fresh(prefix?: string): Promise<string>;
}

/**
 * A temp directory for the tests of one file, removed with all in it after them. It is made at
 * once (not in a `before` hook): a hook of the test file that ran before ours would otherwise see
 * an empty path and write into the working directory.
 */
export function tempRoot(prefix: string): TempRoot {
  const path = mkdtempSync(join(tmpdir(), prefix));
  after(async () => {
    // retried: a test's store may still finish a write (a new file) while the tree is removed
    await rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  return {
    path,
    fresh: (name = 'd-') => mkdtemp(join(path, name)),
  };
}
