import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { AppError, type ErrorCode, type FileEntry, FileListing, FileListQuery } from '@quantix/shared';
import { createFileBrowser } from './file-browser.service.ts';
import { buildFixture, type Fixture } from './test-fixture.ts';

let fx: Fixture;
before(async () => {
  fx = await buildFixture();
});
after(async () => {
  await rm(fx.base, { recursive: true, force: true });
});

const browser = createFileBrowser();
const q = (over: Partial<FileListQuery> = {}): FileListQuery => FileListQuery.parse(over);

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof AppError && err.code === code);
}

function byName(entries: FileEntry[], name: string): FileEntry {
  const e = entries.find((x) => x.name === name);
  assert.ok(e, `no entry ${name}`);
  return e;
}

describe('file browser: list', () => {
  it('lists directories first, then files by name with numbers in order, and matches the schema', async () => {
    const listing = await browser.list('alpha', fx.pool, q({ limit: 500 }));
    FileListing.parse(listing);
    assert.equal(listing.pool, 'alpha');
    assert.equal(listing.path, '');
    const names = listing.entries.map((e) => e.name);
    assert.deepEqual(names.slice(0, 3), ['b-dir', 'dir-link-in', 'sub']);
    assert.ok(names.indexOf('file9.txt') < names.indexOf('file10.txt'));
    assert.ok(!names.some((n) => n.startsWith('.upload-')), 'upload temp files are hidden');
    assert.equal(listing.total, names.length);
    assert.equal(listing.total, 23);
  });

  it('types entries by extension, by magic bytes where the extension says nothing, and by lstat', async () => {
    const { entries } = await browser.list('alpha', fx.pool, q({ limit: 500 }));
    const types = Object.fromEntries(entries.map((e) => [e.name, e.type]));
    assert.deepEqual(
      {
        'b-dir': types['b-dir'],
        'installer.iso': types['installer.iso'],
        'fake.iso': types['fake.iso'], // by extension: never read
        'disk.qcow2': types['disk.qcow2'],
        'disk-noext': types['disk-noext'],
        'cloud.img': types['cloud.img'],
        'blank.img': types['blank.img'],
        'iso-noext': types['iso-noext'],
        'vmdk-noext': types['vmdk-noext'],
        'vdi-noext': types['vdi-noext'],
        'vhd-fixed-noext': types['vhd-fixed-noext'],
        'a..b.txt': types['a..b.txt'],
        fifo: types.fifo,
        'link-in': types['link-in'],
      },
      {
        'b-dir': 'directory',
        'installer.iso': 'iso',
        'fake.iso': 'iso',
        'disk.qcow2': 'qcow2',
        'disk-noext': 'qcow2',
        'cloud.img': 'qcow2',
        'blank.img': 'raw',
        'iso-noext': 'iso',
        'vmdk-noext': 'vmdk',
        'vdi-noext': 'vdi',
        'vhd-fixed-noext': 'vhd',
        'a..b.txt': 'file',
        fifo: 'other',
        'link-in': 'symlink',
      },
    );
  });

  it('reports size, time and permissions', async () => {
    const { entries } = await browser.list('alpha', fx.pool, q({ limit: 500 }));
    const iso = byName(entries, 'installer.iso');
    assert.equal(iso.size, 40 * 1024);
    assert.equal(iso.path, 'installer.iso');
    assert.equal(iso.mode, '0644');
    assert.equal(iso.permissions, 'rw-r--r--');
    assert.ok(Math.abs(Date.parse(iso.modifiedAt) - Date.now()) < 60_000);
    assert.equal(iso.link, undefined);
    const qcow = byName(entries, 'disk.qcow2');
    assert.equal(qcow.permissions, 'rw-------');
    assert.equal(byName(entries, 'sub').size, 0);
  });

  it('follows symlinks inside the pool for size and target; never those that leave it', async () => {
    const { entries } = await browser.list('alpha', fx.pool, q({ limit: 500 }));
    const linkIn = byName(entries, 'link-in');
    assert.deepEqual(linkIn.link, { path: 'sub/file.raw', type: 'raw' });
    assert.equal(linkIn.size, 4096);
    assert.deepEqual(byName(entries, 'dir-link-in').link, { path: 'sub', type: 'directory' });
    for (const name of ['link-out', 'dir-link-out', 'dangling', 'dangling-out']) {
      const e = byName(entries, name);
      assert.equal(e.type, 'symlink', name);
      assert.equal(e.link, null, name);
      assert.equal(e.size, 0, name);
    }
  });

  it('pages with offset and limit, and the pages add up to the whole listing', async () => {
    const all = (await browser.list('alpha', fx.pool, q({ limit: 500 }))).entries.map((e) => e.name);
    const paged: string[] = [];
    for (let offset = 0; offset < all.length; offset += 5) {
      const page = await browser.list('alpha', fx.pool, q({ offset, limit: 5 }));
      assert.equal(page.total, all.length);
      assert.equal(page.offset, offset);
      assert.equal(page.limit, 5);
      paged.push(...page.entries.map((e) => e.name));
    }
    assert.deepEqual(paged, all);
    const past = await browser.list('alpha', fx.pool, q({ offset: 1000 }));
    assert.deepEqual(past.entries, []);
    assert.equal(past.total, all.length);
  });

  it('lists subdirectories, also through an in-pool symlink, with paths relative to the pool', async () => {
    const sub = await browser.list('alpha', fx.pool, q({ path: 'sub' }));
    assert.equal(sub.path, 'sub');
    assert.deepEqual(
      sub.entries.map((e) => [e.name, e.path, e.type]),
      [
        ['nested', 'sub/nested', 'directory'],
        ['file.raw', 'sub/file.raw', 'raw'],
      ],
    );
    const viaLink = await browser.list('alpha', fx.pool, q({ path: 'dir-link-in' }));
    assert.equal(viaLink.path, 'sub');
    const deep = await browser.list('alpha', fx.alias, q({ path: 'sub/nested/deep' }));
    assert.deepEqual(
      deep.entries.map((e) => e.path),
      ['sub/nested/deep/readme.txt'],
    );
  });

  it('refuses paths out of the pool and what is not a directory', async () => {
    for (const path of ['..', '../alpha-sibling', 'dir-link-out', 'link-out', '/etc', 'x\0']) {
      await rejectsWith(browser.list('alpha', fx.pool, q({ path })), 'PATH_OUTSIDE_POOL');
    }
    await rejectsWith(browser.list('alpha', fx.pool, q({ path: 'a..b.txt' })), 'NOT_A_DIRECTORY');
    await rejectsWith(browser.list('alpha', fx.pool, q({ path: 'nope' })), 'FILE_NOT_FOUND');
    await rejectsWith(browser.list('alpha', join(fx.base, 'no-such-pool'), q()), 'FILE_NOT_FOUND');
  });

  it('pages a large directory: the page holds the right entries, sniffed', async () => {
    const big = join(fx.base, 'pools', 'big');
    await mkdir(big);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        writeFile(join(big, `disk-${i}`), i % 2 ? 'x' : 'QFI\xfb', 'latin1'),
      ),
    );
    const page = await browser.list('big', big, q({ offset: 10, limit: 20 }));
    assert.equal(page.total, 1000);
    assert.deepEqual(
      page.entries.map((e) => e.name),
      Array.from({ length: 20 }, (_, i) => `disk-${i + 10}`),
    );
    assert.equal(page.entries[0]?.type, 'qcow2');
    assert.equal(page.entries[1]?.type, 'file');
  });
});

describe('file browser: openDownload', () => {
  it('streams a regular file with its size and real name', async () => {
    const d = await browser.openDownload(fx.pool, 'a..b.txt');
    assert.equal(d.name, 'a..b.txt');
    assert.equal(d.size, 28);
    assert.equal(await text(d.stream), 'dots in the middle are fine\n');
  });

  it('follows an in-pool symlink', async () => {
    const d = await browser.openDownload(fx.pool, 'link-in');
    assert.equal(d.name, 'file.raw');
    assert.equal(d.size, 4096);
    d.stream.destroy();
  });

  it('streams an empty file', async () => {
    await writeFile(join(fx.pool, 'sub', 'empty.txt'), '');
    const d = await browser.openDownload(fx.pool, 'sub/empty.txt');
    assert.equal(d.size, 0);
    assert.equal(await text(d.stream), '');
    await rm(join(fx.pool, 'sub', 'empty.txt'));
  });

  it('refuses directories and special files', async () => {
    await rejectsWith(browser.openDownload(fx.pool, 'sub'), 'NOT_A_FILE');
    await rejectsWith(browser.openDownload(fx.pool, 'dir-link-in'), 'NOT_A_FILE');
    await rejectsWith(browser.openDownload(fx.pool, 'fifo'), 'NOT_A_FILE');
  });

  it('refuses everything outside the pool', async () => {
    for (const p of [
      '../alpha-sibling/secret.txt',
      'link-out',
      'dir-link-out/passwd',
      '/etc/passwd',
      'sub/../../alpha-sibling/secret.txt',
      'with\0nul',
    ]) {
      await rejectsWith(browser.openDownload(fx.pool, p), 'PATH_OUTSIDE_POOL');
    }
  });
});
