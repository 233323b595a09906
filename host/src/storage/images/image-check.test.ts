import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { checkImage, imageBacking, MAX_VIRTUAL_SIZE } from './image-check.ts';
import { convertImage, inspectImage, qemuImgInfo } from './qemu-img.ts';

const base = tempRoot('qximg-check-');
const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });

const refused = (fn: () => unknown, message: RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof AppError && e.code === 'IMAGE_REFUSED' && message.test(e.message),
  );
const refusedAsync = (p: Promise<unknown>, message: RegExp) =>
  assert.rejects(
    p,
    (e: unknown) => e instanceof AppError && e.code === 'IMAGE_REFUSED' && message.test(e.message),
  );

describe('checkImage (qemu-img info as recorded)', () => {
  const qcow2 = { format: 'qcow2', 'virtual-size': 2 ** 30, 'actual-size': 200_704 };
  it('accepts raw and qcow2 and reports the detected format and sizes', () => {
    assert.deepEqual(checkImage(qcow2, 'disk'), {
      format: 'qcow2',
      virtualSize: 2 ** 30,
      actualSize: 200_704,
    });
    assert.equal(checkImage({ format: 'raw', 'virtual-size': 512 }, 'iso').format, 'raw');
  });
  it('refuses other formats, and anything but raw for an ISO', () => {
    refused(() => checkImage({ format: 'vmdk', 'virtual-size': 512 }, 'disk'), /vmdk/);
    refused(() => checkImage(qcow2, 'iso'), /not an ISO/);
    refused(() => checkImage({ nonsense: true }, 'disk'), /no usable description/);
  });
  it('refuses backing files, external data files, encryption and corruption', () => {
    refused(() => checkImage({ ...qcow2, 'backing-filename': '/etc/shadow' }, 'disk'), /backing file/);
    refused(
      () =>
        checkImage(
          { ...qcow2, 'format-specific': { type: 'qcow2', data: { 'data-file': '/dev/sda' } } },
          'disk',
        ),
      /external file/,
    );
    refused(() => checkImage({ ...qcow2, encrypted: true }, 'disk'), /encrypted/);
    refused(
      () => checkImage({ ...qcow2, 'format-specific': { type: 'qcow2', data: { corrupt: true } } }, 'disk'),
      /corrupt/,
    );
  });
  it('refuses a virtual size of zero or over 64 TiB', () => {
    refused(() => checkImage({ ...qcow2, 'virtual-size': 0 }, 'disk'), /0 bytes/);
    refused(() => checkImage({ ...qcow2, 'virtual-size': MAX_VIRTUAL_SIZE + 512 }, 'disk'), /64 TiB/);
  });
});

describe('inspectImage on real files made with qemu-img', () => {
  it('detects the format from the content, never from the name', async () => {
    const dir = await base.fresh('names-');
    qemuImg('create', '-f', 'raw', join(dir, 'raw-named.qcow2'), '4M');
    qemuImg('create', '-f', 'qcow2', join(dir, 'qcow2-named.img'), '8M');
    const raw = await inspectImage(join(dir, 'raw-named.qcow2'));
    assert.equal(raw.format, 'raw');
    assert.equal(raw.virtualSize, 4 * 2 ** 20);
    const q = await inspectImage(join(dir, 'qcow2-named.img'));
    assert.equal(q.format, 'qcow2');
    assert.equal(q.virtualSize, 8 * 2 ** 20);
  });
  it('refuses a qcow2 with a backing file, even one that does not exist', async () => {
    const dir = await base.fresh('backing-');
    qemuImg('create', '-f', 'qcow2', join(dir, 'base.qcow2'), '8M');
    qemuImg('create', '-f', 'qcow2', '-b', join(dir, 'base.qcow2'), '-F', 'qcow2', join(dir, 'over.qcow2'));
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/shadow', '-F', 'raw', join(dir, 'shadow.qcow2'), '1M');
    await refusedAsync(inspectImage(join(dir, 'over.qcow2')), /backing file .*base\.qcow2/);
    await refusedAsync(inspectImage(join(dir, 'shadow.qcow2')), /backing file .*\/etc\/shadow/);
  });
  it('lets a recorded backing file through only when asked, and reads a file in the format it is given', async () => {
    const dir = await base.fresh('allow-');
    const over = join(dir, 'over.qcow2');
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', over, '1M');
    const raw = await qemuImgInfo(over);
    refused(() => checkImage(raw, 'disk'), /backing file/);
    assert.equal(checkImage(raw, 'disk', { allowBacking: true }).format, 'qcow2');
    assert.deepEqual(imageBacking(raw), { path: '/etc/hostname', format: 'raw' });
    // no recorded format (old images): QEMU would probe the backing file; a relative path is refused too
    const { 'backing-filename-format': _f, ...unformatted } = raw as Record<string, unknown>;
    refused(() => checkImage(unformatted, 'disk', { allowBacking: true }), /raw or qcow2 format/);
    refused(
      () =>
        checkImage({ ...(raw as object), 'full-backing-filename': 'x.img' }, 'disk', { allowBacking: true }),
      /absolute path/,
    );
    refused(() => checkImage(raw, 'iso', { allowBacking: true }), /not an ISO/);
    // a raw disk that holds a qcow2 header is raw when read as raw: nothing in it is followed
    const asRaw = await qemuImgInfo(over, 'raw');
    assert.equal(checkImage(asRaw, 'disk').format, 'raw');
    assert.equal(imageBacking(asRaw), null);
  });
  it('refuses a qcow2 with an external data file', async () => {
    const dir = await base.fresh('datafile-');
    qemuImg('create', '-f', 'qcow2', '-o', `data_file=${join(dir, 'data.raw')}`, join(dir, 'df.qcow2'), '8M');
    await refusedAsync(inspectImage(join(dir, 'df.qcow2')), /external file/);
  });
  it('refuses a qcow2 that carries an ISO signature as an ISO, and a file qemu-img cannot open', async () => {
    const dir = await base.fresh('iso-');
    const file = join(dir, 'fake.iso');
    qemuImg('create', '-f', 'qcow2', file, '8M');
    const bytes = await readFile(file);
    const padded = Buffer.concat([bytes, Buffer.alloc(Math.max(0, 0x9000 - bytes.length))]);
    padded.write('CD001', 0x8001, 'latin1');
    await writeFile(file, padded);
    await refusedAsync(inspectImage(file, 'iso'), /qcow2 image, not an ISO/);
    await refusedAsync(inspectImage(join(dir, 'missing.img')), /cannot read/);
  });
});

describe('convertImage', () => {
  it('copies a qcow2 into an existing raw file with progress up to 100 %', async () => {
    const dir = await base.fresh('convert-');
    const src = join(dir, 'src.qcow2');
    const dst = join(dir, 'dst.img');
    const seed = join(dir, 'seed.raw');
    await writeFile(seed, Buffer.concat([Buffer.alloc(2 ** 20, 0x61), Buffer.alloc(15 * 2 ** 20)]));
    qemuImg('convert', '-f', 'raw', '-O', 'qcow2', seed, src);
    qemuImg('create', '-f', 'raw', dst, '16M');
    const seen: number[] = [];
    await convertImage({ src, srcFormat: 'qcow2', dst, dstFormat: 'raw', onProgress: (p) => seen.push(p) });
    assert.equal(seen.at(-1), 100);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
      'progress only grows',
    );
    const head = Buffer.alloc(4);
    const fh = await import('node:fs/promises').then((m) => m.open(dst));
    await fh.read(head, 0, 4, 0);
    await fh.close();
    assert.equal(head.toString('latin1'), 'aaaa', 'the data was copied');
    assert.equal((await stat(dst)).size, 16 * 2 ** 20);
  });
  it('fails with qemu-img’s reason when the target is missing', async () => {
    const dir = await base.fresh('convert-fail-');
    const src = join(dir, 'src.raw');
    qemuImg('create', '-f', 'raw', src, '1M');
    await assert.rejects(
      convertImage({ src, srcFormat: 'raw', dst: join(dir, 'nope.raw'), dstFormat: 'raw' }),
      (e: unknown) => e instanceof AppError && /qemu-img convert failed/.test(e.message),
    );
  });
});
