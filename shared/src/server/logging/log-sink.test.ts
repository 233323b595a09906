import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempRoot } from '../state/temp-root.test-helper.ts';
import { mountSmallDisk } from '../state/tmpfs.test-helper.ts';
import { createLogSink, type LogSink } from './log-sink.ts';
import { createLogger } from './logger.ts';

const root = tempRoot('qx-log-sink-');
let n = 0;
const freshFile = () => join(root.path, `d${++n}`, 'logs', 'app.log');

const flushed = (sink: { flush(cb: (err?: Error) => void): void }) =>
  new Promise<void>((resolve) => sink.flush(() => resolve()));
const line = (i: number, pad = 0) => `${JSON.stringify({ level: 30, i, msg: 'x'.repeat(pad) })}\n`;
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** Writes until the sink reports a fault; bounded. */
async function writeUntilFault(sink: LogSink, faults: unknown[]): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    sink.write(line(i, 2000));
    await flushed(sink);
    if (faults.length) return i;
  }
  throw new Error('the disk never filled');
}

describe('createLogSink', () => {
  it('creates the file and its directory private (0600, 0700), and makes an existing file 0600', async () => {
    const file = freshFile();
    const sink = createLogSink({ target: { file } });
    sink.write(line(1));
    await flushed(sink);
    sink.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);

    const old = freshFile();
    mkdirSync(join(old, '..'), { recursive: true, mode: 0o755 });
    writeFileSync(old, line(0), { mode: 0o644 });
    chmodSync(old, 0o644);
    const again = createLogSink({ target: { file: old } });
    again.write(line(1));
    await flushed(again);
    again.close();
    assert.equal(statSync(old).mode & 0o777, 0o600);
    assert.equal(statSync(join(old, '..')).mode & 0o777, 0o700);
    assert.deepEqual(lines(old), [line(0).trim(), line(1).trim()], 'appends, keeps what was there');
  });

  it('on a full disk: never throws, drops and counts, retries at most once per retryMs, then says how many were lost', async () => {
    const disk = mountSmallDisk(256);
    let clock = 0;
    const faults: NodeJS.ErrnoException[] = [];
    const file = join(disk.dir, 'logs', 'app.log');
    const sink = createLogSink({
      target: { file },
      retryMs: 1000,
      now: () => clock,
      dropNotice: (dropped, reason) => `${JSON.stringify({ dropped, reason })}\n`,
      onFault: (err) => faults.push(err),
    });
    try {
      sink.write(line(0));
      await flushed(sink);
      disk.fill();
      await writeUntilFault(sink, faults);
      assert.equal(faults[0]?.code, 'ENOSPC');
      for (let i = 0; i < 50; i++) assert.equal(sink.write(line(i)), true);
      await flushed(sink);
      assert.equal(faults.length, 1, 'told once, not per line');
      const { dropped } = sink.stats();
      assert.ok(dropped >= 51, `dropped ${dropped}`);

      // a retry on a still-full disk fails again and counts that line too
      clock += 1000;
      sink.write(line(2000, 2000));
      await flushed(sink);
      assert.equal(sink.stats().fault, 'ENOSPC');
      assert.equal(sink.stats().dropped, dropped + 1);

      disk.free();
      sink.write(line(3000)); // within retryMs of the last attempt: dropped without trying
      assert.equal(sink.stats().dropped, dropped + 2);
      clock += 1000;
      sink.write(line(4000));
      await flushed(sink);
      assert.deepEqual(sink.stats(), { dropped: 0, fault: null });
      const tail = lines(file).slice(-2);
      assert.deepEqual(JSON.parse(tail[0] ?? ''), { dropped: dropped + 2, reason: 'ENOSPC' });
      assert.equal(JSON.parse(tail[1] ?? '').i, 4000);
      // a synchronous flush on a full disk returns at once (pino's retried forever)
      disk.fill();
      sink.write(line(5000, 100_000));
      sink.flushSync();
      await flushed(sink);
    } finally {
      sink.close();
      disk.unmount();
    }
  });

  it('rotates to .1 past maxFileBytes', async () => {
    const file = freshFile();
    const sink = createLogSink({ target: { file }, maxFileBytes: 1000 });
    for (let i = 0; i < 30; i++) {
      sink.write(line(i, 100));
      await flushed(sink);
    }
    sink.close();
    assert.ok(existsSync(`${file}.1`));
    assert.ok(statSync(file).size <= 1000 + 200);
    assert.equal(statSync(`${file}.1`).mode & 0o777, 0o600);
    const all = [...lines(`${file}.1`), ...lines(file)].map((l) => JSON.parse(l).i as number);
    assert.deepEqual(all.slice(-5), [25, 26, 27, 28, 29], 'nothing lost or reordered across the rotation');
  });

  it('keeps memory bounded: lines beyond maxQueuedBytes are dropped while a write is in flight, and said so', async () => {
    const file = freshFile();
    const sink = createLogSink({
      target: { file },
      maxQueuedBytes: 1000,
      dropNotice: (dropped, reason) => `${JSON.stringify({ dropped, reason })}\n`,
    });
    // the first line starts a write; the rest queue behind it up to 1000 bytes
    for (let i = 0; i < 100; i++) sink.write(line(i, 50));
    await flushed(sink);
    const got = lines(file).map((l) => JSON.parse(l) as { i?: number; dropped?: number; reason?: string });
    const kept = got.filter((l) => l.i !== undefined).length;
    assert.ok(kept < 100, `${kept} lines written`);
    assert.deepEqual(
      got.find((l) => l.dropped !== undefined),
      { dropped: 100 - kept, reason: 'queue full' },
    );
    sink.close();
  });
});

describe('createLogger', () => {
  it('keeps logging through a full disk without an unhandled error, and flush calls back', async () => {
    const disk = mountSmallDisk(256);
    const faults: string[] = [];
    const file = join(disk.dir, 'logs', 'quantix-host.log');
    const log = createLogger({
      file,
      level: 'info',
      service: 'quantix-test',
      onFault: (e) => faults.push(e.code ?? ''),
    });
    try {
      log.info('before');
      await new Promise<void>((r) => log.flush(() => r()));
      disk.fill();
      for (let i = 0; i < 200; i++) log.info({ i, pad: 'y'.repeat(1000) }, 'while full');
      await new Promise<void>((r) => log.flush(() => r()));
      assert.deepEqual(faults, ['ENOSPC']);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(JSON.parse(lines(file)[0] ?? '').msg, 'before');
      assert.equal(JSON.parse(lines(file)[0] ?? '').service, 'quantix-test');
    } finally {
      disk.unmount();
    }
  });
});
