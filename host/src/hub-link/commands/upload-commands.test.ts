import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LINK_CHUNK_BYTES, UploadOpened, UploadProgress, UploadResult } from '@quantix/shared';
import { tempRoot, rejectsWith } from '@quantix/shared/server/testing';
import { isoImage } from '../../storage/files/test-fixture.ts';
import { openTestServices, type TestServices } from './libvirt-services.test-helper.ts';
import {
  createUploadCommands,
  type UploadCommandHandler,
  type UploadCommandsDeps,
} from './upload-commands.ts';

const root = tempRoot('qx-upload-cmd-');
const hubA = { hubName: 'hub-a' };

/** Waits (bounded) until `check` holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('upload commands on the libvirt test driver', () => {
  let s: TestServices;
  let pool: string;
  let upload: UploadCommandHandler;
  const audit: Array<[string, string, string]> = [];
  const make = (extra: Partial<UploadCommandsDeps> = {}) =>
    createUploadCommands({
      storage: s.storage,
      maxUploadBytes: () => 4 * LINK_CHUNK_BYTES,
      audit: (level, message, by) => audit.push([level, message, by]),
      ...extra,
    });
  const open = async (h: UploadCommandHandler, name: string, size: number) =>
    UploadOpened.parse(await h({ type: 'upload.open', pool: 'isos', name, size }, hubA));
  const chunk = (h: UploadCommandHandler, uploadId: string, offset: number, data: Buffer) =>
    h({ type: 'upload.chunk', uploadId, offset, data }, hubA);
  const listing = async () => (await readdir(pool)).sort();

  before(async () => {
    s = await openTestServices(await root.fresh('svc-'));
    pool = join(root.path, 'isos');
    await mkdir(pool);
    await s.storage.createPool({ type: 'dir', name: 'isos', path: pool }, 'test');
    upload = make();
  });
  after(async () => {
    await upload?.close();
    await s?.close();
  });

  it('a chunked upload of an ISO ends as a file in the pool under its sanitised name', async () => {
    const body = isoImage(LINK_CHUNK_BYTES + 40_000);
    const { uploadId, name } = await open(upload, '../My Disk.iso', body.length);
    assert.equal(name, 'My_Disk.iso');
    assert.equal((await listing()).length, 1, 'the temp file exists');
    assert.ok((await listing())[0]?.startsWith('.upload-'));
    let offset = 0;
    for (const size of [LINK_CHUNK_BYTES, 30_000, 10_000]) {
      const ack = UploadProgress.parse(
        await chunk(upload, uploadId, offset, body.subarray(offset, offset + size)),
      );
      offset += size;
      assert.equal(ack.received, offset);
    }
    const result = UploadResult.parse(await upload({ type: 'upload.finish', uploadId }, hubA));
    assert.deepEqual(result, {
      name: 'My_Disk.iso',
      path: 'My_Disk.iso',
      size: body.length,
      format: 'raw',
      virtualSize: Math.ceil(body.length / 512) * 512,
    });
    assert.deepEqual(await listing(), ['My_Disk.iso']);
    assert.ok((await readFile(join(pool, 'My_Disk.iso'))).equals(body));
    assert.equal(upload.open(), 0);
    assert.deepEqual(audit.at(-1)?.[0], 'info');
    assert.equal(audit.at(-1)?.[2], 'hub hub-a');
  });

  it('refuses a chunk out of order or repeated; abort removes the temp file', async () => {
    const body = isoImage(64 * 1024);
    const { uploadId } = await open(upload, 'order.iso', body.length);
    await chunk(upload, uploadId, 0, body.subarray(0, 1000));
    await rejectsWith(
      chunk(upload, uploadId, 2000, body.subarray(2000, 3000)),
      'VALIDATION_FAILED',
      /expected 1000/,
    );
    await rejectsWith(
      chunk(upload, uploadId, 0, body.subarray(0, 1000)),
      'VALIDATION_FAILED',
      /expected 1000/,
    );
    assert.equal((await listing()).filter((n) => n.startsWith('.upload-')).length, 1);
    assert.equal(await upload({ type: 'upload.abort', uploadId }, hubA), null);
    assert.deepEqual(await listing(), ['My_Disk.iso']);
    // gone: later chunks find nothing, a second abort is harmless
    await rejectsWith(chunk(upload, uploadId, 1000, body.subarray(1000, 2000)), 'NOT_FOUND');
    assert.equal(await upload({ type: 'upload.abort', uploadId }, hubA), null);
  });

  it('refuses more bytes than announced, a finish before the last byte and content that is no ISO', async () => {
    const body = isoImage(64 * 1024);
    const a = await open(upload, 'long.iso', 1000);
    await rejectsWith(
      chunk(upload, a.uploadId, 0, body.subarray(0, 1001)),
      'VALIDATION_FAILED',
      /1000 bytes/,
    );
    const b = await open(upload, 'short.iso', body.length);
    await chunk(upload, b.uploadId, 0, body.subarray(0, 1000));
    await rejectsWith(
      upload({ type: 'upload.finish', uploadId: b.uploadId }, hubA),
      'VALIDATION_FAILED',
      /1000 of/,
    );
    const c = await open(upload, 'text.iso', 40_000);
    await chunk(upload, c.uploadId, 0, Buffer.alloc(40_000, 0x41));
    await rejectsWith(
      upload({ type: 'upload.finish', uploadId: c.uploadId }, hubA),
      'VALIDATION_FAILED',
      /not an ISO/,
    );
    assert.deepEqual(await listing(), ['My_Disk.iso']);
    assert.equal(upload.open(), 0);
  });

  it('checks at open what the host upload route checks, creating nothing when refused', async () => {
    await rejectsWith(open(upload, 'big.iso', 4 * LINK_CHUNK_BYTES + 1), 'UPLOAD_TOO_LARGE');
    await rejectsWith(open(upload, 'disk.vmdk', 10), 'VALIDATION_FAILED', /\.iso/);
    await rejectsWith(open(upload, 'My_Disk.iso', 10), 'UPLOAD_EXISTS');
    await rejectsWith(
      upload({ type: 'upload.open', pool: 'missing', name: 'x.iso', size: 10 }, hubA),
      'POOL_NOT_FOUND',
    );
    assert.deepEqual(await listing(), ['My_Disk.iso']);
  });

  it("keeps one hub's upload from another", async () => {
    const { uploadId } = await open(upload, 'mine.iso', 10);
    await rejectsWith(
      upload({ type: 'upload.chunk', uploadId, offset: 0, data: Buffer.alloc(10) }, { hubName: 'hub-b' }),
      'NOT_FOUND',
    );
    assert.equal(await upload({ type: 'upload.abort', uploadId }, { hubName: 'hub-b' }), null);
    assert.equal(upload.open(), 1, 'still open for its own hub');
    await upload({ type: 'upload.abort', uploadId }, hubA);
    assert.deepEqual(await listing(), ['My_Disk.iso']);
  });

  it('aborts an idle upload and removes its temp file', async () => {
    const idle = make({ idleTimeoutMs: 100 });
    const { uploadId } = await open(idle, 'stalled.iso', 64 * 1024);
    await chunk(idle, uploadId, 0, Buffer.alloc(100));
    await until(
      async () => idle.open() === 0 && !(await listing()).some((n) => n.startsWith('.upload-')),
      'the idle abort',
    );
    await rejectsWith(chunk(idle, uploadId, 100, Buffer.alloc(100)), 'NOT_FOUND');
    assert.ok(audit.some(([level, m]) => level === 'warning' && /stalled\.iso.*no data/.test(m)));
  });

  it('close aborts every upload in progress', async () => {
    const h = make();
    await open(h, 'one.iso', 100);
    await open(h, 'two.iso', 100);
    assert.equal(h.open(), 2);
    await h.close();
    assert.equal(h.open(), 0);
    assert.deepEqual(await listing(), ['My_Disk.iso']);
  });

  it('refuses more uploads at once than allowed', async () => {
    const h = make({ maxOpen: 1 });
    await open(h, 'first.iso', 100);
    await rejectsWith(open(h, 'second.iso', 100), 'RATE_LIMITED');
    await h.close();
    assert.deepEqual(await listing(), ['My_Disk.iso']);
  });
});
