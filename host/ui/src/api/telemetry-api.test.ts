import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { telemetrySample as sample } from '@quantix/shared/ui/store/telemetry-sample.test-helper.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import type { PageVisibility } from '@quantix/shared/ui/api/held-samples.ts';
import { createTelemetryApi } from './telemetry-api.ts';

/** A page whose visibility the test flips, as the browser does when a tab goes to the background. */
function fakePage() {
  const listeners = new Set<() => void>();
  let hidden = false;
  const page: PageVisibility = {
    get hidden() {
      return hidden;
    },
    addEventListener: (_type, fn) => listeners.add(fn),
    removeEventListener: (_type, fn) => listeners.delete(fn),
  };
  return {
    page,
    listeners,
    set(h: boolean) {
      hidden = h;
      for (const fn of [...listeners]) fn();
    },
  };
}

function setup() {
  const store = createStore<AppState>(initialState({ path: '/', search: '' }));
  const socket = fakeSocketClient((event) =>
    event === 'telemetry:subscribe' ? { history: [sample(1000)] } : null,
  );
  const visibility = fakePage();
  const api = createTelemetryApi({ socket: socket.client, store, page: visibility.page });
  let updates = 0;
  store.subscribe(() => updates++);
  const times = () => store.get().telemetry.samples.map((s) => s.t);
  return { store, socket, visibility, api, times, updates: () => updates };
}

const tick = () => new Promise((r) => setImmediate(r));

test('subscribes with five minutes of history and appends live samples', async () => {
  const { socket, api, times } = setup();
  const stop = api.watch();
  await tick();
  assert.deepEqual(socket.requests[0], ['telemetry:subscribe', [{ historySeconds: 300 }]]);
  socket.emit('telemetry:sample', sample(2000));
  assert.deepEqual(times(), [1000, 2000]);
  stop();
  assert.equal(socket.requests.at(-1)?.[0], 'telemetry:unsubscribe');
});

test('a hidden page leaves the store alone; the held samples all go in, once, when it is shown', async () => {
  const { socket, visibility, api, times, updates } = setup();
  const stop = api.watch();
  await tick();
  visibility.set(true);
  const before = updates();
  for (const t of [2000, 3000, 4000]) socket.emit('telemetry:sample', sample(t));
  assert.equal(updates(), before, 'no store update while hidden');
  assert.deepEqual(times(), [1000]);
  visibility.set(false);
  assert.equal(updates(), before + 1, 'one update when shown');
  assert.deepEqual(times(), [1000, 2000, 3000, 4000]);
  socket.emit('telemetry:sample', sample(5000));
  assert.deepEqual(times(), [1000, 2000, 3000, 4000, 5000]);
  // still subscribed all along: no unsubscribe, no second subscribe
  assert.deepEqual(
    socket.requests.map(([e]) => e),
    ['telemetry:subscribe'],
  );
  stop();
  assert.equal(visibility.listeners.size, 0, 'stopping forgets the page');
});

test('holds no more than the chart window however long the page stays hidden', async () => {
  const { socket, visibility, api, times } = setup();
  api.watch();
  await tick();
  visibility.set(true);
  for (let t = 2000; t <= 1_000_000; t += 1000) socket.emit('telemetry:sample', sample(t));
  visibility.set(false);
  assert.equal(times().length, 301);
  assert.equal(times().at(-1), 1_000_000);
});
