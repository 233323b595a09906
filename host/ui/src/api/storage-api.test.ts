import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolSummary, VolumeSummary } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { routedHttp } from './fake-http.test-helper.ts';
import { createLoader } from './load-into.ts';
import { createStorageApi } from './storage-api.ts';
import { createTasksApi } from './tasks-api.ts';

const pool = (name: string): PoolSummary => ({
  uuid: `u-${name}`,
  name,
  type: 'dir',
  state: 'running',
  autostart: true,
  capacity: 100,
  allocation: 10,
  available: 90,
  volumes: 1,
  path: `/p/${name}`,
});
const vol = (name: string): VolumeSummary => ({
  name,
  key: `/p/images/${name}`,
  path: `/p/images/${name}`,
  type: 'file',
  format: 'qcow2',
  capacity: 1,
  allocation: 1,
});

function setup(routes: Record<string, () => unknown>) {
  const store = createStore<AppState>(initialState({ path: '/storage', search: '' }));
  const { http, calls: gets } = routedHttp(routes);
  const socket = fakeSocketClient();
  const storage = createStorageApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    tasks: createTasksApi({ socket: socket.client, store }),
  });
  return { store, gets, socket, storage };
}
const tick = () => new Promise((r) => setImmediate(r));

test('unreadable volumes are kept apart from the list, which still loads', async () => {
  const h = setup({
    'GET /storage/pools/images/volumes': () => ({
      volumes: [vol('a.qcow2')],
      skipped: [
        {
          key: '/p/images/g.img',
          reason: "Storage volume not found: no storage vol with matching path '/p/images/g.img'",
        },
      ],
    }),
  });
  await h.storage.loadVolumes('images');
  assert.deepEqual(
    h.store.get().volumes.images?.data?.map((v) => v.name),
    ['a.qcow2'],
  );
  assert.equal(h.store.get().volumes.images?.error, null);
  assert.deepEqual(
    h.store.get().volumesSkipped.images?.map((s) => s.key),
    ['/p/images/g.img'],
  );
});

test('pool:changed reads again what was read: the pool list, and the volumes of that pool', async () => {
  let pools = [pool('images')];
  const h = setup({
    'GET /storage/pools': () => ({ pools }),
    'GET /storage/pools/images/volumes': () => ({ volumes: [], skipped: [] }),
    'GET /storage/pools/isos/volumes': () => ({ volumes: [], skipped: [] }),
  });
  h.socket.emit('pool:changed', { uuid: 'u-new', name: 'new', event: 'defined' });
  await tick();
  assert.deepEqual(h.gets, [], 'nothing read yet: nothing to read again');

  await h.storage.loadPools();
  await h.storage.loadVolumes('images');
  h.gets.length = 0;
  pools = [pool('images'), pool('new')];
  h.socket.emit('pool:changed', { uuid: 'u-new', name: 'new', event: 'defined' });
  h.socket.emit('pool:changed', { uuid: 'u-new', name: 'new', event: 'started' });
  h.socket.emit('pool:changed', { uuid: 'u-new', name: 'new', event: 'changed' });
  await tick();
  await tick();
  assert.deepEqual(h.gets, ['GET /storage/pools', 'GET /storage/pools'], 'a burst costs two reads');
  assert.deepEqual(
    h.store.get().pools.data?.map((p) => p.name),
    ['images', 'new'],
  );

  h.gets.length = 0;
  h.socket.emit('pool:changed', { uuid: 'u-images', name: 'images', event: 'changed' });
  await tick();
  assert.deepEqual(h.gets.sort(), ['GET /storage/pools', 'GET /storage/pools/images/volumes']);

  h.gets.length = 0;
  h.socket.emit('pool:changed', { uuid: 'u-images', name: 'images', event: 'stopped' });
  await tick();
  assert.deepEqual(h.gets, ['GET /storage/pools'], 'a stopped pool has no volumes to list');
});
