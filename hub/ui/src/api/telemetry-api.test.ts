import assert from 'node:assert/strict';
import { test } from 'node:test';
import { telemetrySample } from '@quantix/shared/ui/store/telemetry-sample.test-helper.ts';
import { hubHarness } from './hub-api-harness.test-helper.ts';
import { createTelemetryApi } from './telemetry-api.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

test('host:watch gives the history, host:telemetry of that host the rest; leaving unwatches', async () => {
  const h = hubHarness({}, (event) => (event === 'host:watch' ? { history: [telemetrySample(1000)] } : null));
  const api = createTelemetryApi({ socket: h.socket.client, store: h.store, page: null });
  const stop = api.watch(A);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.socket.requests[0], ['host:watch', [{ hostId: A }]]);
  h.socket.emit('host:telemetry', { hostId: A, sample: telemetrySample(2000) });
  h.socket.emit('host:telemetry', { hostId: B, sample: telemetrySample(3000) });
  const t = h.store.get().telemetry;
  assert.equal(t.hostId, A);
  assert.deepEqual(
    t.samples.map((s) => s.t),
    [1000, 2000],
    "another host's samples are not this one's",
  );
  stop();
  assert.deepEqual(h.socket.requests.at(-1), ['host:unwatch', [{ hostId: A }]]);
  h.socket.emit('host:telemetry', { hostId: A, sample: telemetrySample(4000) });
  assert.equal(h.store.get().telemetry.samples.length, 2, 'nothing after unwatch');
});

test('watching another host starts empty, and a late answer for the old one is dropped', async () => {
  let answer: (v: unknown) => void = () => {};
  const h = hubHarness({}, () => new Promise((r) => (answer = r)));
  const api = createTelemetryApi({ socket: h.socket.client, store: h.store, page: null });
  const stopA = api.watch(A);
  const answerA = answer;
  stopA();
  api.watch(B);
  answerA({ history: [telemetrySample(1000)] });
  await new Promise((r) => setImmediate(r));
  assert.equal(h.store.get().telemetry.hostId, B);
  assert.deepEqual(h.store.get().telemetry.samples, []);
});

test('a reconnect watches again', async () => {
  const h = hubHarness({}, () => ({ history: [] }));
  const api = createTelemetryApi({ socket: h.socket.client, store: h.store, page: null });
  api.watch(A);
  h.socket.reconnect();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.socket.requests.filter(([e]) => e === 'host:watch').length, 2);
});
