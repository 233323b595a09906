import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeTimers, settle } from './fake-timers.test-helper.ts';
import { poll } from './poller.ts';

const counter = () => {
  const c = { runs: 0, run: async () => void c.runs++ };
  return c;
};

test('runs now, then again after each run, one timer at a time', async () => {
  const h = fakeTimers();
  const c = counter();
  const p = poll({ run: c.run, intervalMs: 5000, timers: h.timers, visibility: h.visibility });
  await settle();
  assert.equal(c.runs, 1);
  assert.deepEqual(h.delays(), [5000]);
  await h.fire();
  await h.fire();
  assert.equal(c.runs, 3);
  assert.equal(h.pending.size, 1);
  p.stop();
  assert.equal(h.pending.size, 0, 'stop clears the timer');
  assert.equal(h.listeners.size, 0, 'and the visibility listener');
});

test('a hidden page is not polled; shown again, it is read at once', async () => {
  const h = fakeTimers();
  const c = counter();
  const p = poll({ run: c.run, intervalMs: 5000, timers: h.timers, visibility: h.visibility });
  await settle();
  await h.show(false);
  assert.equal(h.pending.size, 0);
  await h.fire();
  assert.equal(c.runs, 1);
  await h.show(true);
  assert.equal(c.runs, 2);
  assert.equal(h.pending.size, 1);
  p.stop();
});

test('startNow: false waits one interval; failures do not end the chain', async () => {
  const h = fakeTimers();
  let runs = 0;
  const run = async () => {
    runs++;
    throw new Error('offline');
  };
  const p = poll({ run, intervalMs: 5000, timers: h.timers, startNow: false });
  await settle();
  assert.equal(runs, 0);
  await h.fire();
  await h.fire();
  assert.equal(runs, 2);
  p.stop();
});

test('again ends the chain until now(); skip lets ticks pass without a run', async () => {
  const h = fakeTimers();
  const c = counter();
  let probing = true;
  let paused = false;
  const p = poll({
    run: c.run,
    intervalMs: 2000,
    timers: h.timers,
    visibility: h.visibility,
    again: () => probing,
    skip: () => paused,
  });
  await settle();
  paused = true;
  await h.fire();
  assert.equal(c.runs, 1, 'skipped');
  assert.equal(h.pending.size, 1, 'but still ticking');
  paused = false;
  probing = false;
  await h.fire();
  assert.equal(c.runs, 2);
  assert.equal(h.pending.size, 0, 'again() said no');
  await h.show(false);
  await h.show(true);
  assert.equal(c.runs, 2, 'an ended chain is not revived by the page showing');
  probing = true;
  p.now();
  await settle();
  assert.equal(c.runs, 3);
  assert.equal(h.pending.size, 1);
  p.stop();
});

test('now() during a run asks for exactly one more run after it', async () => {
  const h = fakeTimers();
  let runs = 0;
  let release: () => void = () => {};
  const run = () => {
    runs++;
    return new Promise<void>((r) => {
      release = r;
    });
  };
  const p = poll({ run, intervalMs: 5000, timers: h.timers });
  p.now();
  p.now();
  release();
  await settle();
  assert.equal(runs, 2);
  release();
  await settle();
  assert.equal(runs, 2);
  assert.equal(h.pending.size, 1);
  p.stop();
});
