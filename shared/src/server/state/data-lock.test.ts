import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { acquireDataLock } from './data-lock.ts';
import { tempRoot } from './temp-root.test-helper.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCK_MODULE = fileURLToPath(new URL('./data-lock.ts', import.meta.url));

const root = tempRoot('qx-data-lock-');
const freshDir = () => root.fresh();

function isLocked(err: unknown): boolean {
  assert.ok(err instanceof AppError);
  assert.equal(err.code, 'STATE_LOCKED');
  return true;
}

/** Starts a node process that takes the lock on `dir`, and resolves once it holds it. */
async function childHolding(dir: string): Promise<ChildProcess> {
  const script = join(root.path, `hold-${String(Math.random()).slice(2)}.mts`);
  await writeFile(
    script,
    [
      `import { acquireDataLock } from ${JSON.stringify(LOCK_MODULE)};`,
      `await acquireDataLock(${JSON.stringify(dir)});`,
      `process.stdout.write('locked\\n');`,
      'setInterval(() => undefined, 60_000);',
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('locked\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code}): ${err}`)));
  });
  return child;
}

describe('acquireDataLock', () => {
  it('refuses a second lock on the same directory in the same process', async () => {
    const dir = await freshDir();
    const lock = await acquireDataLock(dir);
    try {
      await assert.rejects(acquireDataLock(dir), isLocked);
    } finally {
      await lock.release();
    }
  });

  it('records the owner pid, names it in the error, and removes it on release', async () => {
    const dir = await freshDir();
    const lock = await acquireDataLock(dir);
    assert.equal(await readFile(join(dir, 'lock'), 'utf8'), `${process.pid}\n`);
    await assert.rejects(acquireDataLock(dir), new RegExp(`pid ${process.pid}\\)`));
    await lock.release();
    await assert.rejects(readFile(join(dir, 'lock')), { code: 'ENOENT' });
  });

  it('can be acquired again after release', async () => {
    const dir = await freshDir();
    const first = await acquireDataLock(dir);
    await first.release();
    const second = await acquireDataLock(dir);
    await second.release();
  });

  it('locks directories independently', async () => {
    const a = await acquireDataLock(await freshDir());
    const b = await acquireDataLock(await freshDir());
    await a.release();
    await b.release();
  });

  it('treats a symlink to a locked directory as the same directory', async () => {
    const dir = await freshDir();
    const link = `${dir}-link`;
    await symlink(dir, link);
    const lock = await acquireDataLock(dir);
    try {
      await assert.rejects(acquireDataLock(link), isLocked);
    } finally {
      await lock.release();
    }
  });

  it('rejects a missing directory with ENOENT, not STATE_LOCKED', async () => {
    await assert.rejects(acquireDataLock(join(root.path, 'does-not-exist')), { code: 'ENOENT' });
  });

  it('is held across processes and freed by the kernel when the holder is killed with SIGKILL', async () => {
    const dir = await freshDir();
    const child = await childHolding(dir);
    try {
      await assert.rejects(acquireDataLock(dir), (err: unknown) => {
        isLocked(err);
        assert.match((err as Error).message, new RegExp(`pid ${child.pid}\\)`));
        return true;
      });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    // No stale-lock timeout: the name is free as soon as the process is gone.
    const lock = await acquireDataLock(dir);
    assert.equal(await readFile(join(dir, 'lock'), 'utf8'), `${process.pid}\n`);
    await lock.release();
  });
});
