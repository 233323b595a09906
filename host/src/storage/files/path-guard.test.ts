import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, type ErrorCode } from '@quantix/shared';
import { isInside, resolveInsidePool, resolveNewFileInsidePool } from './path-guard.ts';
import { buildFixture, type Fixture } from './test-fixture.ts';

let fx: Fixture;
before(async () => {
  fx = await buildFixture();
});
after(async () => {
  await rm(fx.base, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

describe('isInside', () => {
  it('uses path.relative, so a sibling with a common prefix is outside', () => {
    assert.equal(isInside('/pools/alpha', '/pools/alpha'), true);
    assert.equal(isInside('/pools/alpha', '/pools/alpha/x/y'), true);
    assert.equal(isInside('/pools/alpha', '/pools/alpha/..x'), true);
    assert.equal(isInside('/pools/alpha', '/pools/alpha-sibling/secret.txt'), false);
    assert.equal(isInside('/pools/alpha', '/pools/alphab'), false);
    assert.equal(isInside('/pools/alpha', '/pools'), false);
    assert.equal(isInside('/pools/alpha', '/etc/passwd'), false);
  });
});

describe('resolveInsidePool', () => {
  const outside = [
    '..',
    '../',
    '../alpha-sibling',
    '../alpha-sibling/secret.txt',
    '../alpha-sibling/does-not-exist',
    '/etc/passwd',
    '/',
    'link-out',
    'dir-link-out',
    'dir-link-out/passwd',
    'dir-link-out/does-not-exist', // 403, not 404: nothing outside can be probed
    'dangling-out',
    'sub/../../alpha-sibling/secret.txt',
    'sub/nested/../../..',
    'with\0nul',
    '\0',
    'a..b.txt\0.iso',
    // what the query parser hands over for `%2e%2e%2falpha-sibling` and `..%2f..%2fetc%2fpasswd`
    decodeURIComponent('%2e%2e%2falpha-sibling'),
    decodeURIComponent('..%2f..%2fetc%2fpasswd'),
  ];
  for (const p of outside) {
    it(`refuses ${JSON.stringify(p)} with PATH_OUTSIDE_POOL`, async () => {
      await rejectsWith(resolveInsidePool(fx.pool, p), 'PATH_OUTSIDE_POOL');
    });
  }

  it('accepts names with `..` inside them, and `..` that stays in the pool', async () => {
    assert.equal(await resolveInsidePool(fx.pool, 'a..b.txt'), join(fx.pool, 'a..b.txt'));
    assert.equal(await resolveInsidePool(fx.pool, 'sub/../a..b.txt'), join(fx.pool, 'a..b.txt'));
    assert.equal(await resolveInsidePool(fx.pool, 'sub/nested/../..'), fx.pool);
  });

  it('maps the root to itself', async () => {
    assert.equal(await resolveInsidePool(fx.pool, ''), fx.pool);
    assert.equal(await resolveInsidePool(fx.pool, '.'), fx.pool);
    assert.equal(await resolveInsidePool(fx.pool, './'), fx.pool);
  });

  it('follows symlinks that stay in the pool', async () => {
    assert.equal(await resolveInsidePool(fx.pool, 'link-in'), join(fx.pool, 'sub', 'file.raw'));
    assert.equal(await resolveInsidePool(fx.pool, 'dir-link-in/file.raw'), join(fx.pool, 'sub', 'file.raw'));
  });

  it('works when the pool root itself is reached through a symlink', async () => {
    assert.equal(await resolveInsidePool(fx.alias, 'a..b.txt'), join(fx.pool, 'a..b.txt'));
    await rejectsWith(resolveInsidePool(fx.alias, '../alpha-sibling/secret.txt'), 'PATH_OUTSIDE_POOL');
    await rejectsWith(resolveInsidePool(fx.alias, 'link-out'), 'PATH_OUTSIDE_POOL');
  });

  it('answers FILE_NOT_FOUND for what is missing inside the pool', async () => {
    await rejectsWith(resolveInsidePool(fx.pool, 'nope'), 'FILE_NOT_FOUND');
    await rejectsWith(resolveInsidePool(fx.pool, 'sub/nope/deeper'), 'FILE_NOT_FOUND');
    await rejectsWith(resolveInsidePool(fx.pool, 'a..b.txt/x'), 'FILE_NOT_FOUND');
    await rejectsWith(resolveInsidePool(fx.pool, 'dangling'), 'FILE_NOT_FOUND');
  });

  it('treats a backslash as a name character (Linux), never as a separator', async () => {
    await rejectsWith(resolveInsidePool(fx.pool, '..\\alpha-sibling\\secret.txt'), 'FILE_NOT_FOUND');
  });

  it('never decodes: a percent-encoded dot-dot is a literal (missing) name', async () => {
    await rejectsWith(resolveInsidePool(fx.pool, '%2e%2e%2falpha-sibling'), 'FILE_NOT_FOUND');
  });

  it('refuses a pool root that is not absolute', async () => {
    await rejectsWith(resolveInsidePool('pools/alpha', ''), 'INTERNAL');
  });
});

describe('resolveNewFileInsidePool', () => {
  it('places a new name in the real directory', async () => {
    const r = await resolveNewFileInsidePool(fx.alias, '', 'new.iso');
    assert.deepEqual(r, { root: fx.pool, dir: fx.pool, file: join(fx.pool, 'new.iso') });
  });

  it('refuses names that are not a single component', async () => {
    for (const bad of ['', '.', '..', 'a/b']) {
      await rejectsWith(resolveNewFileInsidePool(fx.pool, '', bad), 'VALIDATION_FAILED');
    }
  });

  it('contains the directory like any path', async () => {
    await rejectsWith(resolveNewFileInsidePool(fx.pool, 'dir-link-out', 'x.iso'), 'PATH_OUTSIDE_POOL');
  });
});
