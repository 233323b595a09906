import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesce } from './coalesce.ts';

test('calls during a run cost one more run, not one each', async () => {
  let runs = 0;
  const gates: Array<() => void> = [];
  const reload = coalesce(
    () =>
      new Promise<void>((r) => {
        runs++;
        gates.push(r);
      }),
  );
  const first = reload();
  void reload();
  void reload();
  const last = reload();
  assert.equal(runs, 1);
  gates.shift()?.();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'one more for the three calls that came while it ran');
  gates.shift()?.();
  await Promise.all([first, last]);
  assert.equal(runs, 2);
  const later = reload();
  assert.equal(runs, 3, 'once idle, a call runs at once');
  gates.shift()?.();
  await later;
});

test('a failed run does not wedge it', async () => {
  let runs = 0;
  const reload = coalesce(async () => {
    runs++;
    throw new Error('gone');
  });
  await reload();
  await reload();
  assert.equal(runs, 2);
});
