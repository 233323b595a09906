import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmHardware, VmHardwareConfig } from '@quantix/shared';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { type AppState, initialState } from '../store/app-state.ts';
import { routedHttp } from './fake-http.test-helper.ts';
import { createHardwareApi } from './hardware-api.ts';
import { createLoader } from './load-into.ts';
import { createTasksApi } from './tasks-api.ts';

const UUID = '00000000-0000-0000-0000-000000000001';
const config = (over: Partial<VmHardwareConfig> = {}): VmHardwareConfig => ({
  vcpus: 1,
  maxVcpus: 1,
  topology: null,
  memoryMiB: 128,
  currentMemoryMiB: 128,
  cpu: { mode: 'maximum', model: null },
  disks: [],
  nics: [],
  bootOrder: ['hd'],
  description: '',
  ...over,
});
const hardware = (over: Partial<VmHardware> = {}): VmHardware => ({
  uuid: UUID,
  name: 'a',
  state: 'running',
  live: config(),
  config: config(),
  pending: [],
  autostart: { enabled: false, order: null, delaySeconds: 0 },
  ...over,
});

function setup(routes: Record<string, (body?: unknown) => unknown>) {
  const store = createStore<AppState>(initialState({ path: '/vms', search: '' }));
  const { http, calls, bodies } = routedHttp(routes);
  const socket = fakeSocketClient(() => ({}));
  const api = createHardwareApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    tasks: createTasksApi({ socket: socket.client, store }),
  });
  return { store, calls, bodies, socket, api };
}

const tick = () => new Promise((r) => setImmediate(r));

test('an edit PATCHes the VM and its answer becomes the shown hardware', async () => {
  const next = hardware({ config: config({ memoryMiB: 256 }), pending: ['memory'] });
  const h = setup({
    [`PATCH /vms/${UUID}/hardware`]: () => ({
      hardware: next,
      notes: ['memory maximum 256 MiB: applied at the next start'],
    }),
  });
  const r = await h.api.update(UUID, { memoryMiB: 256 });
  assert.deepEqual(h.bodies, [{ memoryMiB: 256 }]);
  assert.deepEqual(r.notes, ['memory maximum 256 MiB: applied at the next start']);
  assert.deepEqual(h.store.get().vmHardware.data?.pending, ['memory']);
});

test('devices are addressed by target and MAC, escaped', async () => {
  const h = setup({
    [`PATCH /vms/${UUID}/hardware/disks/sda`]: () => ({ hardware: hardware(), notes: [] }),
    [`DELETE /vms/${UUID}/hardware/disks/vdb?deleteVolume=true`]: () => ({ hardware: hardware(), notes: [] }),
    [`PATCH /vms/${UUID}/hardware/nics/52%3A54%3A00%3A00%3A00%3A01`]: () => ({
      hardware: hardware(),
      notes: [],
    }),
  });
  await h.api.updateDisk(UUID, 'sda', { media: null });
  await h.api.removeDisk(UUID, 'vdb', true);
  await h.api.updateNic(UUID, '52:54:00:00:00:01', { link: 'down' });
  assert.equal(h.calls.length, 3);
  assert.deepEqual(h.bodies, [{ media: null }, { link: 'down' }]);
});

test('watching reads the hardware, again on the VM’s vm:changed only, and stops', async () => {
  let reads = 0;
  const h = setup({
    [`GET /vms/${UUID}/hardware`]: () => {
      reads++;
      return hardware();
    },
  });
  const stop = h.api.watch(UUID);
  await tick();
  assert.equal(reads, 1);
  h.socket.emit('vm:changed', { uuid: '00000000-0000-0000-0000-000000000002', event: 'started', vm: null });
  await tick();
  assert.equal(reads, 1, 'another VM changed');
  h.socket.emit('vm:changed', { uuid: UUID, event: 'stopped', vm: null });
  await tick();
  assert.equal(reads, 2);
  stop();
  h.socket.emit('vm:changed', { uuid: UUID, event: 'started', vm: null });
  await tick();
  assert.equal(reads, 2, 'stopped watching');
  assert.equal(h.store.get().vmHardware.data?.uuid, UUID);
});

test('a reload that a vm:changed started during an edit cannot put back the hardware from before it', async () => {
  // the CI failure: the host defines the new description (vm:changed), then sets it live and
  // answers; the reload the event started answered after the edit, showing it pending again
  const before = hardware({ config: config({ description: 'new' }), pending: ['description'] });
  const after = hardware({ config: config({ description: 'new' }), live: config({ description: 'new' }) });
  let answerReload: (h: VmHardware) => void = () => {};
  let reads = 0;
  const h = setup({
    [`GET /vms/${UUID}/hardware`]: () => {
      reads++;
      return reads === 1 ? hardware() : new Promise<VmHardware>((r) => (answerReload = r));
    },
    [`PATCH /vms/${UUID}/hardware`]: () => ({ hardware: after, notes: [] }),
  });
  const stop = h.api.watch(UUID);
  await tick();
  h.socket.emit('vm:changed', { uuid: UUID, event: 'defined', vm: null });
  await tick();
  assert.equal(reads, 2, 'the event started a reload');
  await h.api.update(UUID, { description: 'new' });
  answerReload(before);
  await tick();
  assert.deepEqual(h.store.get().vmHardware.data?.pending, [], 'the edit’s answer stays');
  assert.equal(h.store.get().vmHardware.loading, false);
  stop();
});
