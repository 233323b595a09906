import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DataDiskStatus } from '@quantix/shared';
import { createDataDisk, diskFault, storageFullError } from './data-disk.ts';
import { mountSmallDisk } from './tmpfs.test-helper.ts';

/** The error a real write gets on `dir`, or null. */
async function realWriteError(dir: string): Promise<unknown> {
  const file = join(dir, 'write-by-test');
  const err = await writeFile(file, Buffer.alloc(64 * 1024)).then(
    () => null,
    (e: unknown) => e,
  );
  await rm(file, { force: true });
  return err;
}

/** Resolves with the first status `pred` accepts; fails after 10 s. */
function nextStatus(
  disk: ReturnType<typeof createDataDisk>,
  pred: (s: DataDiskStatus) => boolean,
): Promise<DataDiskStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such status in 10 s')), 10_000);
    const stop = disk.onChange((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      stop();
      resolve(s);
    });
  });
}

describe('diskFault and storageFullError', () => {
  it('knows full and read-only disks, and nothing else', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(diskFault(e('ENOSPC')), 'full');
    assert.equal(diskFault(e('EDQUOT')), 'full');
    assert.equal(diskFault(e('EROFS')), 'read-only');
    assert.equal(diskFault(e('EIO')), null);
    assert.equal(diskFault(new Error('x')), null);
    assert.equal(diskFault(null), null);
    const full = storageFullError(e('ENOSPC'));
    assert.equal(full.code, 'STORAGE_FULL');
    assert.equal(full.status, 507);
    assert.match(full.message, /full/);
    assert.match(storageFullError(e('EROFS')).message, /read-only/);
  });
});

describe('createDataDisk', () => {
  it('turns unwritable on a real ENOSPC, probes, and turns writable by itself once space is freed', async () => {
    const small = mountSmallDisk(256);
    const disk = createDataDisk({ dir: small.dir, probeIntervalMs: 20, now: () => new Date(1000) });
    const seen: DataDiskStatus[] = [];
    disk.onChange((s) => seen.push(s));
    try {
      assert.deepEqual(disk.status(), { writable: true, problem: null, since: null });
      small.fill();
      const err = await realWriteError(small.dir);
      assert.equal(disk.writeFailed(err), true);
      assert.equal(disk.writeFailed(err), true, 'still a fault, but no second change');
      assert.deepEqual(disk.status(), {
        writable: false,
        problem: 'full',
        since: '1970-01-01T00:00:01.000Z',
      });
      // a write that succeeds on a full disk (a small append) does not matter; only the probe or a
      // writer's success says it is writable again. Freed space is found without any writer:
      const back = nextStatus(disk, (s) => s.writable);
      small.free();
      assert.deepEqual(await back, { writable: true, problem: null, since: null });
      assert.deepEqual(
        seen.map((s) => s.writable),
        [false, true],
      );
      // the probe leaves nothing behind
      assert.deepEqual(readdirSync(small.dir), []);
    } finally {
      disk.close();
      small.unmount();
    }
  });

  it('says read-only for a read-only file system', async () => {
    const small = mountSmallDisk(256);
    const disk = createDataDisk({ dir: small.dir, probeIntervalMs: 20 });
    try {
      execFileSync('mount', ['-o', 'remount,ro', small.dir]);
      assert.equal(disk.writeFailed(await realWriteError(small.dir)), true);
      assert.equal(disk.status().problem, 'read-only');
      const back = nextStatus(disk, (s) => s.writable);
      execFileSync('mount', ['-o', 'remount,rw', small.dir]);
      assert.equal((await back).writable, true);
    } finally {
      disk.close();
      small.unmount();
    }
  });

  it('ignores errors that are not disk faults, and a writer success ends a fault at once', () => {
    const disk = createDataDisk({ dir: '/nonexistent', probeIntervalMs: 60_000 });
    try {
      assert.equal(disk.writeFailed(Object.assign(new Error('io'), { code: 'EIO' })), false);
      assert.equal(disk.status().writable, true);
      disk.writeFailed(Object.assign(new Error('full'), { code: 'EDQUOT' }));
      assert.equal(disk.status().problem, 'full');
      disk.writeSucceeded();
      assert.equal(disk.status().writable, true);
    } finally {
      disk.close();
    }
  });
});
