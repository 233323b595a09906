import assert from 'node:assert/strict';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { AppError, type ErrorCode, UploadResult } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import {
  isUploadTempName,
  receiveUpload,
  STALE_UPLOAD_MS,
  sanitizeFileName,
  sweepStaleUploads,
  sweepStaleUploadsInPools,
} from './upload.ts';

const base = tempRoot('qx-upload-');
const freshPool = () => base.fresh('pool-');

/**
 * An ISO-looking body generated chunk by chunk: nothing holds the whole of it, and after the first
 * chunk the same filler buffer is pushed again, so the test itself makes no garbage that would blur
 * an RSS measurement. `produced()` tells how far the source has run ahead.
 */
function isoBody(
  size: number,
  opts: { chunk?: number; iso?: boolean } = {},
): Readable & { produced: () => number } {
  const chunk = opts.chunk ?? 64 * 1024;
  const filler = Buffer.alloc(chunk, 0x5a);
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, size - sent);
      const at = 0x8001 - sent;
      let buf = n === chunk ? filler : filler.subarray(0, n);
      if (opts.iso !== false && at >= 0 && at + 5 <= n) {
        buf = Buffer.from(buf);
        buf.write('CD001', at, 'latin1');
      }
      sent += n;
      this.push(buf);
    },
  });
  return Object.assign(body, { produced: () => sent });
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

async function assertOnly(dir: string, names: string[]): Promise<void> {
  assert.deepEqual((await readdir(dir)).sort(), [...names].sort());
}

const MiB = 1024 * 1024;

describe('sanitizeFileName', () => {
  const cases: [string, string][] = [
    ['debian-12.iso', 'debian-12.iso'],
    ['../../etc/passwd.iso', 'passwd.iso'],
    ['C:\\fakepath\\debian.iso', 'debian.iso'],
    ['/abs/path/x.iso', 'x.iso'],
    ['a..b.iso', 'a..b.iso'],
    ['UPPER.ISO', 'UPPER.iso'],
    ['CON.iso', '_CON.iso'],
    ['lpt1.ISO', '_lpt1.iso'],
    ['con.backup.iso', '_con.backup.iso'],
    ['console.iso', 'console.iso'],
    ['Ubuntu 24.04 — Desktop (amd64).iso', 'Ubuntu_24.04_Desktop_amd64.iso'],
    ['Türkçe café.iso', 'Turkce_cafe.iso'],
    ['ｄｅｂｉａｎ.iso', 'debian.iso'],
    ['...hidden.iso', 'hidden.iso'],
    ['-rf.iso', 'rf.iso'],
    ['a\0b\x1f\x7f.iso', 'ab.iso'],
    ['evil\u202egpj.iso', 'evilgpj.iso'],
    ['x..iso', 'x.iso'],
    ['%2e%2e%2fetc%2fx.iso', '2e_2e_2fetc_2fx.iso'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(sanitizeFileName(input), expected);
    });
  }

  it('names an upload with nothing usable left after its content hash, not after nothing', () => {
    const a = sanitizeFileName('Дистрибутив.iso');
    const b = sanitizeFileName('Установка.iso');
    assert.match(a, /^upload-[0-9a-f]{8}\.iso$/);
    assert.notEqual(a, b);
  });

  it('cuts long names to 200 characters and keeps the extension', () => {
    const out = sanitizeFileName(`${'a'.repeat(300)}.iso`);
    assert.equal(out.length, 200);
    assert.ok(out.endsWith('a.iso'));
  });

  it('requires the extension of an ISO or a disk image', () => {
    for (const good of ['x.qcow2', 'x.img', 'x.raw', 'X.QCOW2']) {
      assert.ok(sanitizeFileName(good).startsWith(good.slice(0, 1)), good);
    }
    for (const bad of ['x.vmdk', 'x.vdi', 'x.iso.exe', 'x', '', '.iso', 'x.iso/', '.qcow2']) {
      assert.throws(
        () => sanitizeFileName(bad),
        (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED',
        bad,
      );
    }
  });
});

describe('receiveUpload', () => {
  it('streams 50 MB to disk with memory staying low, reporting progress', async (t) => {
    const pool = await freshPool();
    const size = 50 * MiB;
    const progress: number[] = [];
    const body = isoBody(size);
    let maxAhead = 0;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const result = await receiveUpload({
      poolRoot: pool,
      fileName: 'big.iso',
      stream: body,
      maxBytes: 100 * MiB,
      expectedBytes: size,
      onProgress: (n) => {
        progress.push(n);
        maxAhead = Math.max(maxAhead, body.produced() - n);
        if (progress.length % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    UploadResult.parse(result);
    assert.deepEqual(result, { name: 'big.iso', path: 'big.iso', size, format: 'raw', virtualSize: size });
    const st = await stat(join(pool, 'big.iso'));
    assert.equal(st.size, size);
    assert.equal(st.mode & 0o777, 0o644);
    assert.ok(progress.length > 100, `${progress.length} progress calls`);
    assert.ok(
      progress.every((n, i) => i === 0 || n > (progress[i - 1] ?? 0)),
      'progress grows',
    );
    assert.equal(progress.at(-1), size);
    // Backpressure: the source never runs more than a few buffers ahead of the disk.
    assert.ok(maxAhead <= 4 * MiB, `the source ran ${maxAhead} bytes ahead of the disk`);
    const grew = (peak - rss0) / MiB;
    t.diagnostic(`source ahead of disk ≤ ${(maxAhead / MiB).toFixed(1)} MiB; RSS +${grew.toFixed(1)} MiB`);
    assert.ok(grew < 30, `RSS grew by ${grew.toFixed(1)} MiB while streaming 50 MiB`);
    await assertOnly(pool, ['big.iso']);
  });

  it('aborts past the size limit and leaves no temp file', async () => {
    const pool = await freshPool();
    await rejectsWith(
      receiveUpload({ poolRoot: pool, fileName: 'x.iso', stream: isoBody(5 * MiB), maxBytes: MiB }),
      'UPLOAD_TOO_LARGE',
    );
    await assertOnly(pool, []);
  });

  it('refuses a declared length over the limit before reading a byte', async () => {
    const pool = await freshPool();
    const body = isoBody(5 * MiB);
    await rejectsWith(
      receiveUpload({
        poolRoot: pool,
        fileName: 'x.iso',
        stream: body,
        maxBytes: MiB,
        expectedBytes: 5 * MiB,
      }),
      'UPLOAD_TOO_LARGE',
    );
    assert.equal(body.readableDidRead, false);
    await assertOnly(pool, []);
  });

  it('refuses an upload that will not fit on the pool', async () => {
    const pool = await freshPool();
    const huge = Number.MAX_SAFE_INTEGER;
    await rejectsWith(
      receiveUpload({
        poolRoot: pool,
        fileName: 'x.iso',
        stream: isoBody(1),
        maxBytes: huge,
        expectedBytes: huge,
      }),
      'INSUFFICIENT_SPACE',
    );
    await assertOnly(pool, []);
  });

  it('cleans up when the client goes away (stream destroyed, with or without an error)', async () => {
    for (const withError of [true, false]) {
      const pool = await freshPool();
      const body = isoBody(10 * MiB);
      const p = receiveUpload({
        poolRoot: pool,
        fileName: 'x.iso',
        stream: body,
        maxBytes: 100 * MiB,
        onProgress: (n) => {
          if (n >= MiB)
            body.destroy(withError ? Object.assign(new Error('aborted'), { code: 'ECONNRESET' }) : undefined);
        },
      });
      await rejectsWith(p, 'VALIDATION_FAILED', /aborted/);
      await assertOnly(pool, []);
    }
  });

  it('cleans up when the client stalls', async () => {
    const pool = await freshPool();
    let pushed = false;
    const body = new Readable({
      read() {
        if (!pushed) this.push(Buffer.alloc(1024));
        pushed = true;
      },
    });
    await rejectsWith(
      receiveUpload({ poolRoot: pool, fileName: 'x.iso', stream: body, maxBytes: MiB, idleTimeoutMs: 100 }),
      'VALIDATION_FAILED',
      /stalled/,
    );
    await assertOnly(pool, []);
  });

  it('refuses a body shorter than declared', async () => {
    const pool = await freshPool();
    await rejectsWith(
      receiveUpload({
        poolRoot: pool,
        fileName: 'x.iso',
        stream: isoBody(100_000),
        maxBytes: MiB,
        expectedBytes: 200_000,
      }),
      'VALIDATION_FAILED',
    );
    await assertOnly(pool, []);
  });

  it('refuses content that is not an ISO image', async () => {
    const pool = await freshPool();
    await rejectsWith(
      receiveUpload({
        poolRoot: pool,
        fileName: 'x.iso',
        stream: isoBody(100_000, { iso: false }),
        maxBytes: MiB,
      }),
      'VALIDATION_FAILED',
      /not an ISO/,
    );
    await rejectsWith(
      receiveUpload({ poolRoot: pool, fileName: 'x.iso', stream: isoBody(100), maxBytes: MiB }),
      'VALIDATION_FAILED',
      /not an ISO/,
    );
    await assertOnly(pool, []);
  });

  it('never replaces an existing file: refused at once, and also when it appears during the upload', async () => {
    const pool = await freshPool();
    await writeFile(join(pool, 'taken.iso'), 'original');
    await rejectsWith(
      receiveUpload({ poolRoot: pool, fileName: 'taken.iso', stream: isoBody(100_000), maxBytes: MiB }),
      'UPLOAD_EXISTS',
    );
    // a symlink (even a dangling one) counts as existing
    await rejectsWith(
      receiveUpload({ poolRoot: pool, fileName: '../taken.iso', stream: isoBody(100_000), maxBytes: MiB }),
      'UPLOAD_EXISTS',
    );
    let raced = false;
    await rejectsWith(
      receiveUpload({
        poolRoot: pool,
        fileName: 'race.iso',
        stream: isoBody(MiB),
        maxBytes: 2 * MiB,
        onProgress: () => {
          if (!raced) writeFileSync(join(pool, 'race.iso'), 'won the race');
          raced = true;
        },
      }),
      'UPLOAD_EXISTS',
    );
    assert.equal(await readFile(join(pool, 'taken.iso'), 'utf8'), 'original');
    assert.equal(await readFile(join(pool, 'race.iso'), 'utf8'), 'won the race');
    await assertOnly(pool, ['race.iso', 'taken.iso']);
  });

  it('stores under the sanitized name in the pool root, mode 0644 whatever the umask', async () => {
    const pool = await freshPool();
    const old = process.umask(0o077);
    try {
      const r = await receiveUpload({
        poolRoot: pool,
        fileName: '../../etc/passwd.iso',
        stream: isoBody(100_000),
        maxBytes: MiB,
      });
      assert.deepEqual(r, {
        name: 'passwd.iso',
        path: 'passwd.iso',
        size: 100_000,
        format: 'raw',
        virtualSize: 100_352,
      });
    } finally {
      process.umask(old);
    }
    assert.equal((await stat(join(pool, 'passwd.iso'))).mode & 0o777, 0o644);
  });
});

describe('upload temp files', () => {
  it('are recognised by name and swept when stale', async () => {
    assert.equal(isUploadTempName('.upload-0123456789abcdef.part'), true);
    assert.equal(isUploadTempName('.upload-x.part'), false);
    assert.equal(isUploadTempName('upload-0123456789abcdef.part'), false);
    const pool = await freshPool();
    const stale = join(pool, '.upload-0123456789abcdef.part');
    const fresh = join(pool, '.upload-fedcba9876543210.part');
    await writeFile(stale, 'x');
    await writeFile(fresh, 'x');
    await writeFile(join(pool, 'keep.iso'), 'x');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, old, old);
    assert.equal(await sweepStaleUploads(pool, 3600_000), 1);
    await assertOnly(pool, ['.upload-fedcba9876543210.part', 'keep.iso']);
  });

  it('are swept in every running pool with a directory; a broken pool does not stop the others', async () => {
    const [a, b, stopped] = [await freshPool(), await freshPool(), await freshPool()];
    const old = new Date(Date.now() - STALE_UPLOAD_MS - 60_000);
    for (const pool of [a, b, stopped]) {
      const part = join(pool, '.upload-00000000000000aa.part');
      await writeFile(part, 'x');
      await utimes(part, old, old);
    }
    const notDir = join(await freshPool(), 'file');
    await writeFile(notDir, 'x');
    // a live upload (written a moment ago, perhaps by another host on a shared pool) is left alone
    await writeFile(join(b, '.upload-00000000000000bb.part'), 'x');
    const r = await sweepStaleUploadsInPools([
      { name: 'a', state: 'running', path: a },
      { name: 'gone', state: 'running', path: join(a, 'missing') },
      { name: 'not-a-dir', state: 'running', path: notDir },
      { name: 'lvm-less', state: 'running', path: null },
      { name: 'stopped', state: 'inactive', path: stopped },
      { name: 'b', state: 'running', path: b },
    ]);
    assert.equal(r.removed, 2);
    assert.deepEqual(
      r.failed.map((f) => f.pool),
      ['not-a-dir'],
    );
    await assertOnly(a, []);
    await assertOnly(b, ['.upload-00000000000000bb.part']);
    await assertOnly(stopped, ['.upload-00000000000000aa.part']);
  });
});
