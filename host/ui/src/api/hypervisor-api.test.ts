import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HypervisorStatus } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '../store/create-store.ts';
import { fakeSocketClient } from './fake-socket-client.test-helper.ts';
import type { HttpClient } from './http-client.ts';
import { createHypervisorApi } from './hypervisor-api.ts';

const UP: HypervisorStatus = {
  available: true,
  uri: 'qemu:///system',
  testDriver: false,
  hostname: 'kvm1',
  libvirtVersion: '9.0.0',
  error: null,
};

test('pushes, API errors and a later re-check drive the status', async () => {
  const store = createStore<AppState>(initialState({ path: '/vms', search: '' }));
  const socket = fakeSocketClient();
  const timers: Array<() => void> = [];
  let gets = 0;
  const http = {
    get: async () => {
      gets++;
      return UP;
    },
  } as unknown as HttpClient;
  const hv = createHypervisorApi({ http, socket: socket.client, store, setTimeout: (fn) => timers.push(fn) });

  socket.emit('hypervisor:status', { ...UP, available: false, error: 'socket closed' });
  assert.equal(store.get().hypervisor?.error, 'socket closed');
  socket.emit('hypervisor:status', UP);
  assert.equal(store.get().hypervisor?.available, true);

  hv.markUnavailable('libvirt is not running');
  hv.markUnavailable('libvirt is not running');
  const s = store.get().hypervisor;
  assert.equal(s?.available, false);
  assert.equal(s?.uri, 'qemu:///system', 'what was known is kept');
  assert.equal(timers.length, 1, 'one re-check at a time');
  timers[0]?.();
  await new Promise((r) => setImmediate(r));
  assert.equal(gets, 1);
  assert.equal(store.get().hypervisor?.available, true);
});
