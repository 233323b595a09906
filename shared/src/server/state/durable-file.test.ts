import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fsyncDir, readFileIfExists, sweepTempFiles, writeFileDurable } from './durable-file.ts';
import { tempRoot } from './temp-root.test-helper.ts';
import { mountSmallDisk } from './tmpfs.test-helper.ts';

const root = tempRoot('qx-durable-file-');
const freshDir = () => root.fresh();

describe('writeFileDurable', () => {
  it('writes the content with mode 0600 by default', async () => {
    const file = join(await freshDir(), 'a.json');
    await writeFileDurable(file, 'one');
    assert.equal(await readFile(file, 'utf8'), 'one');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('honours an explicit mode', async () => {
    const file = join(await freshDir(), 'cert.pem');
    await writeFileDurable(file, 'pem', 0o644);
    assert.equal((await stat(file)).mode & 0o777, 0o644);
  });

  it('keeps .bak as a copy of the generation just written, from the first write on', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await writeFileDurable(file, 'gen1');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen1');
    await writeFileDurable(file, 'gen2');
    assert.equal(await readFile(file, 'utf8'), 'gen2');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen2');
    assert.equal((await stat(`${file}.bak`)).mode & 0o777, 0o600);
    // a copy, not a link: damage to one leaves the other intact
    assert.notEqual((await stat(file)).ino, (await stat(`${file}.bak`)).ino);
  });

  it('leaves no temp files behind after many writes', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    for (let i = 0; i < 40; i++) await writeFileDurable(file, `gen${i}`);
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'a.json.bak']);
  });

  it('leaves no temp file behind and the file as it was when the .bak cannot be replaced', {}, async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await writeFileDurable(file, 'gen1');
    await rm(`${file}.bak`);
    await mkdir(`${file}.bak`);
    await writeFile(join(`${file}.bak`, 'keep'), 'x'); // a non-empty directory cannot be renamed over
    await assert.rejects(writeFileDurable(file, 'gen2'));
    assert.equal(await readFile(file, 'utf8'), 'gen1');
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'a.json.bak']);
  });

  it('rejects when the directory is gone and creates nothing', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await writeFileDurable(file, 'gen1');
    await rm(dir, { recursive: true });
    await assert.rejects(writeFileDurable(file, 'gen2'), { code: 'ENOENT' });
  });
});

describe('writeFileDurable on a full disk', () => {
  it('fails with ENOSPC, changes neither the file nor its .bak, leaves no temp file, and works once space is back', async () => {
    const disk = mountSmallDisk(256);
    try {
      const file = join(disk.dir, 'a.json');
      await writeFileDurable(file, 'gen1');
      disk.fill();
      await assert.rejects(writeFileDurable(file, 'x'.repeat(20_000)), { code: 'ENOSPC' });
      assert.equal(await readFile(file, 'utf8'), 'gen1');
      assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen1');
      assert.deepEqual((await readdir(disk.dir)).sort(), ['a.json', 'a.json.bak', 'filler']);
      disk.free();
      await writeFileDurable(file, 'gen2');
      assert.equal(await readFile(file, 'utf8'), 'gen2');
      assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen2');
    } finally {
      disk.unmount();
    }
  });
});

describe('sweepTempFiles', () => {
  it('removes the temp files of interrupted writes (ours, old and new names) and nothing else', async () => {
    const dir = await freshDir();
    const ours = [
      '.host.json.123.0123456789ab.tmp',
      '.host.json.bak.123.0123456789ab.tmp',
      '.quantix-probe.77.abcdefabcdef.tmp',
      'events.json.4242.0123456789ab.baktmp',
    ];
    const theirs = [
      'host.json',
      'host.json.bak',
      'host.json.corrupt-1700000000000',
      'notes.tmp',
      '.hidden.tmp',
      '.x.123.0123456789ab.tmp.keep',
      '.x.123.ABCDEF012345.tmp',
    ];
    for (const name of [...ours, ...theirs]) await writeFile(join(dir, name), 'x');
    await mkdir(join(dir, '.d.1.0123456789ab.tmp')); // not a file: left alone
    // an old leftover is still ours
    await utimes(join(dir, ours[0] ?? ''), new Date(0), new Date(0));
    assert.deepEqual((await sweepTempFiles(dir)).sort(), [...ours].sort());
    assert.deepEqual((await readdir(dir)).sort(), [...theirs, '.d.1.0123456789ab.tmp'].sort());
  });

  it('finds nothing to do in a missing directory', async () => {
    assert.deepEqual(await sweepTempFiles(join(await freshDir(), 'nope')), []);
  });
});

describe('readFileIfExists', () => {
  it('returns the content, or null for a missing file', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'x'), 'hello');
    assert.equal(await readFileIfExists(join(dir, 'x')), 'hello');
    assert.equal(await readFileIfExists(join(dir, 'missing')), null);
  });

  it('rethrows errors other than ENOENT', async () => {
    const dir = await freshDir();
    await assert.rejects(readFileIfExists(dir), { code: 'EISDIR' });
  });
});

describe('fsyncDir', () => {
  it('syncs an existing directory and rejects a missing one', async () => {
    const dir = await freshDir();
    await fsyncDir(dir);
    await assert.rejects(fsyncDir(join(dir, 'nope')), { code: 'ENOENT' });
  });
});
