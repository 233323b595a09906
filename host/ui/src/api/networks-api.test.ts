import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { routedHttp } from './fake-http.test-helper.ts';
import { fakeTimers } from '@quantix/shared/ui/api/fake-timers.test-helper.ts';
import { createLoader } from './load-into.ts';
import { createNetworksApi } from './networks-api.ts';

function setup() {
  const store = createStore<AppState>(initialState({ path: '/networks', search: '' }));
  const { http, calls: gets } = routedHttp({
    'GET /networks': () => ({ networks: [] }),
    'GET /host/hardware': () => ({ networkInterfaces: [] }),
  });
  const socket = fakeSocketClient();
  const t = fakeTimers();
  const networks = createNetworksApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    timers: t.timers,
  });
  return { store, gets, socket, networks, t };
}
const tick = () => new Promise((r) => setImmediate(r));

test('network:changed reads the list again once it was read', async () => {
  const h = setup();
  h.socket.emit('network:changed', { uuid: 'n', name: 'lab', event: 'defined' });
  await tick();
  assert.deepEqual(h.gets, []);
  await h.networks.load();
  h.socket.emit('network:changed', { uuid: 'n', name: 'lab', event: 'started' });
  await tick();
  assert.deepEqual(h.gets, ['GET /networks', 'GET /networks']);
});

test('host interfaces are read every 5 s while watched (the page reads them first)', async () => {
  const h = setup();
  const stop = h.networks.watchInterfaces();
  await tick();
  assert.deepEqual(h.gets, []);
  assert.deepEqual(h.t.delays(), [5000]);
  await h.t.fire();
  await h.t.fire();
  assert.deepEqual(h.gets, ['GET /host/hardware', 'GET /host/hardware']);
  stop();
  assert.equal(h.t.pending.size, 0);
});
