import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitProbes } from './vm-create-probes.ts';

test("says it waits for the host's probes when they keep a create waiting, then goes on with them", async () => {
  const said: string[] = [];
  let settle: (v: string) => void = () => undefined;
  const probes = new Promise<string>((resolve) => {
    settle = resolve;
  });
  // the probes settle only once the wait was said: no sleep in the test, and no pass without it
  const result = awaitProbes(probes, (m) => {
    said.push(m);
    settle('probed');
  });
  assert.equal(await result, 'probed');
  assert.equal(said.length, 1);
  assert.match(said[0] ?? '', /^Waiting for the host's CPU and firmware checks/);
});

test('says nothing when the probes are done, and passes their failure on', async () => {
  const quiet = () => assert.fail('nothing to wait for');
  assert.deepEqual(await awaitProbes(Promise.resolve([1, 2]), quiet), [1, 2]);
  const refused = new Error('the CPU "Westmere" does not start on this host');
  await assert.rejects(awaitProbes(Promise.reject(refused), quiet), (e) => e === refused);
});
