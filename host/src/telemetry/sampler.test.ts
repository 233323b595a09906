import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { TelemetrySample } from '@quantix/shared';
import type { RawReading } from './proc-parse.ts';
import { createTelemetrySampler, type TelemetrySampler } from './sampler.ts';

const INTERVAL = 20;

/** A reader whose counters climb steadily: 50 % busy, 1 MB/s everywhere. */
function fakeReader() {
  let reads = 0;
  let fail = false;
  return {
    get reads() {
      return reads;
    },
    failNext() {
      fail = true;
    },
    read(): RawReading {
      if (fail) {
        fail = false;
        throw new Error('EIO');
      }
      const n = ++reads;
      const j = { user: n * 10, nice: 0, system: 0, idle: n * 10, iowait: 0, irq: 0, softirq: 0, steal: 0 };
      return {
        mono: n * 1000,
        cpu: { total: j, cores: [j, j] },
        memory: { total: 8e9, available: 6e9, swapTotal: 0, swapFree: 0 },
        load: { avg: [0.5, 0.4, 0.3], lastPid: 100 },
        net: [{ name: 'eno1', rx: n * 1e6, tx: n * 1e6 }],
        disks: [{ name: 'sda', read: n * 1e6, written: n * 1e6 }],
        uptime: 1000 + n,
        filesystems: [{ mount: '/', fstype: 'ext4', size: 100, used: 50, available: 45 }],
      };
    },
  };
}

let sampler: TelemetrySampler | null = null;
afterEach(() => sampler?.close());

function make(reader = fakeReader(), extra: { now?: () => number; onError?: (e: unknown) => void } = {}) {
  sampler = createTelemetrySampler({ reader, intervalMs: INTERVAL, ...extra });
  return { s: sampler, reader };
}

describe('telemetry sampler', () => {
  it('does nothing until watched, primes at once and emits one interval later', async () => {
    const { s, reader } = make();
    await sleep(INTERVAL * 2);
    assert.equal(s.running, false);
    assert.equal(reader.reads, 0);
    s.watch();
    assert.equal(s.running, true);
    assert.equal(reader.reads, 1); // primed
    assert.equal(s.latest(), null);
    const sample = await s.nextSample();
    assert.deepEqual(TelemetrySample.parse(sample), sample);
    assert.equal(sample.cpu.total, 50);
    assert.equal(sample.net.rxBps, 1e6);
  });

  it('emits valid samples to listeners at the interval without drifting', async () => {
    const { s } = make();
    const got: TelemetrySample[] = [];
    s.onSample((x) => got.push(TelemetrySample.parse(x)));
    const started = performance.now();
    s.watch();
    while (got.length < 10) await s.nextSample();
    const elapsed = performance.now() - started;
    // 10 slots of 20 ms on a start-aligned grid: never sooner (how much later is the machine's load)
    assert.ok(elapsed >= 10 * INTERVAL - 2, `elapsed ${elapsed}`);
  });

  it('stops when the last watcher leaves; release is idempotent', async () => {
    const { s, reader } = make();
    const a = s.watch();
    const b = s.watch();
    a();
    a(); // a second release of `a` must not release `b`
    assert.equal(s.running, true);
    await s.nextSample();
    b();
    assert.equal(s.running, false);
    const reads = reader.reads;
    await sleep(INTERVAL * 3);
    assert.equal(reader.reads, reads);
  });

  it('runs for a lease without watchers and stops after it expires', async () => {
    // the lease's clock moves when the test says: a busy machine's late timers change nothing
    let clock = 1_700_000_000_000;
    const { s, reader } = make(fakeReader(), { now: () => clock });
    s.lease(INTERVAL * 4);
    assert.equal(s.running, true);
    for (let i = 0; i < 500 && reader.reads < 3; i++) await sleep(INTERVAL);
    assert.ok(reader.reads >= 3, `it samples during the lease (reads ${reader.reads})`);
    assert.equal(s.running, true, 'the lease has not run out');
    clock += INTERVAL * 5;
    for (let i = 0; i < 500 && s.running; i++) await sleep(INTERVAL);
    assert.equal(s.running, false, 'it stops once the lease ran out');
    const reads = reader.reads;
    await sleep(INTERVAL * 3);
    assert.equal(reader.reads, reads);
  });

  it('keeps running on a lease after the last watcher leaves', async () => {
    const { s } = make();
    const release = s.watch();
    s.lease(INTERVAL * 5);
    release();
    assert.equal(s.running, true);
    await sleep(INTERVAL * 9);
    assert.equal(s.running, false);
  });

  it('nextSample on an idle sampler runs it just long enough', async () => {
    const { s } = make();
    const sample = await s.nextSample();
    TelemetrySample.parse(sample);
    assert.equal(s.running, false);
    assert.deepEqual(s.latest(), sample);
  });

  it('keeps history in order and re-primes after an idle gap', async () => {
    let clock = 1_000_000;
    const { s } = make(fakeReader(), { now: () => clock });
    const release = s.watch();
    for (let i = 0; i < 4; i++) {
      clock += 1000;
      await s.nextSample();
    }
    release();
    assert.deepEqual(
      s.history(3600).map((x) => x.t),
      [1_001_000, 1_002_000, 1_003_000, 1_004_000],
    );
    assert.deepEqual(
      s.history(2).map((x) => x.t),
      [1_002_000, 1_003_000, 1_004_000],
    );
    clock += 60_000;
    const next = await s.nextSample();
    assert.equal(next.interval, 1); // fake mono: one read apart, not the whole gap
    assert.equal(s.history(3600).length, 5);
  });

  it('gives back from history exactly the samples it emitted', async () => {
    let clock = 2_000_000;
    const { s } = make(fakeReader(), { now: () => clock });
    const emitted: TelemetrySample[] = [];
    s.onSample((x) => emitted.push(x));
    const release = s.watch();
    for (let i = 0; i < 3; i++) {
      clock += 1000;
      await s.nextSample();
    }
    release();
    assert.deepEqual(s.history(3600), emitted);
    assert.equal(s.latest(), emitted.at(-1));
  });

  it('survives a failed read and a throwing listener, reporting both', async () => {
    const errors: unknown[] = [];
    const { s, reader } = make(fakeReader(), { onError: (e) => errors.push(e) });
    s.onSample(() => {
      throw new Error('listener');
    });
    s.watch();
    await s.nextSample();
    reader.failNext();
    await s.nextSample();
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['listener', 'EIO', 'listener'],
    );
  });

  it('unsubscribes listeners', async () => {
    const { s } = make();
    let calls = 0;
    const off = s.onSample(() => calls++);
    s.watch();
    await s.nextSample();
    off();
    await s.nextSample();
    assert.equal(calls, 1);
  });

  it('close clears the timer, rejects waiters and ignores later calls', async () => {
    const { s, reader } = make();
    s.watch();
    s.lease(60_000);
    const pending = s.nextSample();
    s.close();
    assert.equal(s.running, false);
    await assert.rejects(pending, /closed/);
    await assert.rejects(s.nextSample(), /closed/);
    s.watch()();
    s.lease(1000);
    assert.equal(s.running, false);
    const reads = reader.reads;
    await sleep(INTERVAL * 3);
    assert.equal(reader.reads, reads);
  });
});
