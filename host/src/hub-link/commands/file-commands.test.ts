import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, FileListing } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { createFileCommands } from './file-commands.ts';
import { openTestServices, type TestServices } from './libvirt-services.test-helper.ts';

const root = tempRoot('qx-file-cmd-');
const ctx = { hubName: 'hub-a' };
const list = (path: string, extra: { offset?: number; limit?: number; pool?: string } = {}) => ({
  type: 'files.list' as const,
  pool: extra.pool ?? 'isos',
  path,
  offset: extra.offset ?? 0,
  limit: extra.limit ?? 200,
});

describe('files.list on the libvirt test driver', () => {
  let s: TestServices;
  let files: ReturnType<typeof createFileCommands>;
  let outside: string;

  before(async () => {
    s = await openTestServices(await root.fresh('svc-'));
    files = createFileCommands({ storage: s.storage, browser: s.browser });
    const pool = join(root.path, 'pools', 'isos');
    outside = join(root.path, 'pools', 'isos-sibling');
    await mkdir(join(pool, 'sub'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.txt'), 'not yours');
    await writeFile(join(pool, 'b.iso'), 'x');
    await writeFile(join(pool, 'a.txt'), 'x');
    await writeFile(join(pool, 'sub', 'deep.txt'), 'x');
    await writeFile(join(pool, '.upload-0123456789abcdef.part'), 'in progress');
    await symlink(join(outside, 'secret.txt'), join(pool, 'link-out'));
    await s.storage.createPool({ type: 'dir', name: 'isos', path: pool }, 'test');
  });
  after(async () => {
    await s?.close();
  });

  it('lists a page of the pool, directories first, without upload temp files', async () => {
    const page = FileListing.parse(await files(list(''), ctx));
    assert.equal(page.pool, 'isos');
    assert.equal(page.path, '');
    assert.deepEqual(
      page.entries.map((e) => [e.name, e.type]),
      [
        ['sub', 'directory'],
        ['a.txt', 'file'],
        ['b.iso', 'iso'],
        ['link-out', 'symlink'],
      ],
    );
    assert.equal(page.total, 4);
    const second = FileListing.parse(await files(list('', { offset: 1, limit: 2 }), ctx));
    assert.deepEqual(
      second.entries.map((e) => e.name),
      ['a.txt', 'b.iso'],
    );
    const sub = FileListing.parse(await files(list('sub'), ctx));
    assert.deepEqual(
      sub.entries.map((e) => e.path),
      ['sub/deep.txt'],
    );
  });

  it('refuses every way out of the pool with PATH_OUTSIDE_POOL', async () => {
    for (const path of ['..', '../isos-sibling', 'sub/../../isos-sibling', '/etc', 'link-out']) {
      await assert.rejects(
        files(list(path), ctx),
        (err: unknown) => err instanceof AppError && err.code === 'PATH_OUTSIDE_POOL',
        path,
      );
    }
  });

  it('answers FILE_NOT_FOUND inside the pool and POOL_NOT_FOUND for a pool the host lacks', async () => {
    await assert.rejects(files(list('nope'), ctx), { code: 'FILE_NOT_FOUND' });
    await assert.rejects(files(list('', { pool: 'missing' }), ctx), { code: 'POOL_NOT_FOUND' });
  });
});
