import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fsyncDir, readFileIfExists, writeFileDurable } from './durable-file.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qx-durable-file-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = join(root, String(Math.random()).slice(2));
  await mkdir(dir);
  return dir;
}

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

  it('keeps the previous generation as .bak, and no .bak on the first write', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await writeFileDurable(file, 'gen1');
    assert.equal(await readFileIfExists(`${file}.bak`), null);
    await writeFileDurable(file, 'gen2');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen1');
    await writeFileDurable(file, 'gen3');
    assert.equal(await readFile(file, 'utf8'), 'gen3');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'gen2');
    assert.equal((await stat(`${file}.bak`)).mode & 0o777, 0o600);
  });

  it('leaves no temp files behind after many writes', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    for (let i = 0; i < 40; i++) await writeFileDurable(file, `gen${i}`);
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'a.json.bak']);
  });

  it('leaves no temp link behind when the .bak cannot be replaced', {}, async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await writeFileDurable(file, 'gen1');
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
