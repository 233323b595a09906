import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStore } from '../store/create-store.ts';
import { initialShellState } from '../store/shell-state.ts';
import { createDataDiskApi } from './data-disk-api.ts';
import { fakeSocketClient } from './fake-socket-client.test-helper.ts';

test('the data disk status comes from pushes, and a STORAGE_FULL answer shows it at once', () => {
  const store = createStore(initialShellState({ path: '/', search: '' }));
  const socket = fakeSocketClient();
  const api = createDataDiskApi({ socket: socket.client, store });
  assert.equal(store.get().dataDisk, null);

  socket.emit('data-disk:status', { writable: true, problem: null, since: null });
  assert.equal(store.get().dataDisk?.writable, true);

  api.markFull();
  assert.equal(store.get().dataDisk?.writable, false);
  assert.equal(store.get().dataDisk?.problem, 'full');

  const pushed = { writable: false, problem: 'read-only', since: '2026-01-01T00:00:00.000Z' } as const;
  socket.emit('data-disk:status', pushed);
  api.markFull();
  assert.deepEqual(store.get().dataDisk, pushed, 'what the host said is kept');

  socket.emit('data-disk:status', { writable: true, problem: null, since: null });
  assert.equal(store.get().dataDisk?.writable, true);
});
