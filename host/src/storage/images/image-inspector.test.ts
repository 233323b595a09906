import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { createImageInspector } from './image-inspector.ts';
import { inspectImage } from './qemu-img.ts';

const base = tempRoot('qxfixa-inspector-');
const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });

describe('createImageInspector (real qemu-img)', () => {
  it('runs qemu-img again only when the file changed, and keeps refusals too', async () => {
    const dir = await base.fresh('cache-');
    const file = join(dir, 'disk.img');
    qemuImg('create', '-f', 'qcow2', file, '4M');
    const evil = join(dir, 'evil.qcow2');
    qemuImg('create', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', evil, '1M');
    const runs: string[] = [];
    const images = createImageInspector({
      run: (p) => {
        runs.push(p);
        return inspectImage(p);
      },
    });
    assert.equal((await images.inspect(file)).format, 'qcow2');
    assert.equal((await images.inspect(file)).virtualSize, 4 * 2 ** 20);
    assert.deepEqual(runs, [file], 'the second answer from the cache');
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        images.inspect(evil),
        (e: unknown) => e instanceof AppError && e.code === 'IMAGE_REFUSED',
      );
    }
    assert.deepEqual(runs, [file, evil]);
    // a new file of the same name: size and mtime differ
    qemuImg('create', '-f', 'raw', file, '8M');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const again = await images.inspect(file);
    assert.deepEqual([again.format, again.virtualSize], ['raw', 8 * 2 ** 20]);
    assert.equal(runs.length, 3);
  });

  it('runs at most two qemu-img at once', async () => {
    const dir = await base.fresh('limit-');
    const files = Array.from({ length: 6 }, (_, i) => join(dir, `d${i}.img`));
    for (const f of files) qemuImg('create', '-f', 'qcow2', f, '1M');
    let now = 0;
    let most = 0;
    const images = createImageInspector({
      run: async (p) => {
        now++;
        most = Math.max(most, now);
        try {
          return await inspectImage(p);
        } finally {
          now--;
        }
      },
    });
    const all = await Promise.all(files.map((f) => images.inspect(f)));
    assert.deepEqual(
      all.map((i) => i.format),
      files.map(() => 'qcow2'),
    );
    assert.equal(most, 2);
  });
});
