import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TelemetrySample } from '@quantix/shared';
import { telemetrySample as sample } from './telemetry-sample.test-helper.ts';
import { mergeSamples } from './telemetry-window.ts';

const times = (xs: readonly TelemetrySample[]) => xs.map((s) => s.t);

test('appends a newer sample', () => {
  const out = mergeSamples([sample(1000), sample(2000)], [sample(3000)]);
  assert.deepEqual(times(out), [1000, 2000, 3000]);
});

test('drops samples older than the window before the newest', () => {
  const out = mergeSamples([sample(1000), sample(2000), sample(3000)], [sample(4000)], 2000);
  assert.deepEqual(times(out), [2000, 3000, 4000]);
});

test('merges history with live samples: sorted, one per timestamp', () => {
  const live = [sample(5000), sample(6000)];
  const history = [sample(3000), sample(4000), sample(5000)];
  assert.deepEqual(times(mergeSamples(live, history)), [3000, 4000, 5000, 6000]);
});

test('an out-of-order single sample is placed in order', () => {
  assert.deepEqual(times(mergeSamples([sample(1000), sample(3000)], [sample(2000)])), [1000, 2000, 3000]);
});

test('nothing incoming returns the same array', () => {
  const current = [sample(1000)];
  assert.equal(mergeSamples(current, []), current);
});
