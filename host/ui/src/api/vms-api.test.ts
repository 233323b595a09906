import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmDetail, VmSummary } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '../store/create-store.ts';
import { ApiError } from './api-error.ts';
import { fakeSocketClient } from './fake-socket-client.test-helper.ts';
import type { HttpClient } from './http-client.ts';
import { createLoader } from './load-into.ts';
import { createTasksApi } from './tasks-api.ts';
import { createVmsApi } from './vms-api.ts';

const summary = (name: string, over: Partial<VmSummary> = {}): VmSummary => ({
  uuid: `00000000-0000-0000-0000-00000000000${name.length}`,
  name,
  state: 'shutoff',
  vcpus: 1,
  memoryMiB: 512,
  disks: 1,
  autostart: false,
  persistent: true,
  cpuPercent: null,
  memoryUsedMiB: null,
  ...over,
});
const detail = (s: VmSummary): VmDetail => ({
  ...s,
  disks: [],
  nics: [],
  graphics: [],
  cpu: { mode: 'custom', model: 'qemu64' },
  bootOrder: ['hd'],
  os: { arch: null, machine: null, type: 'hvm' },
  description: '',
});

function setup(routes: Record<string, () => unknown>, ack: (event: string) => unknown = () => ({ vms: [] })) {
  const store = createStore<AppState>(initialState({ path: '/vms', search: '' }));
  const calls: string[] = [];
  const call = async (key: string) => {
    calls.push(key);
    const r = routes[key];
    if (!r) throw new ApiError('NOT_FOUND', key);
    return r();
  };
  const http = {
    get: (p: string) => call(`GET ${p}`),
    post: (p: string) => call(`POST ${p}`),
    put: (p: string) => call(`PUT ${p}`),
    del: (p: string) => call(`DELETE ${p}`),
  } as unknown as HttpClient;
  const socket = fakeSocketClient((event) => ack(event));
  const unavailable: string[] = [];
  const vms = createVmsApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    tasks: createTasksApi({ socket: socket.client, store }),
    onHypervisorUnavailable: (m) => unavailable.push(m),
  });
  return { store, calls, socket, vms, unavailable };
}

const tick = () => new Promise((r) => setImmediate(r));

test('vm:changed moves the list and the open detail; stats only move the numbers', async () => {
  const a = summary('a');
  const h = setup({ 'GET /vms': () => ({ vms: [a] }), [`GET /vms/${a.uuid}`]: () => detail(a) }, () => ({
    vms: [a],
  }));
  const stopList = h.vms.watchList();
  await h.vms.loadDetail(a.uuid);
  await tick();
  h.socket.emit('vm:changed', { uuid: a.uuid, event: 'started', vm: { ...a, state: 'running' } });
  assert.equal(h.store.get().vms.data?.[0]?.state, 'running');
  assert.equal(h.store.get().vm.data?.state, 'running');
  h.socket.emit('vms:stats', {
    t: 1,
    vms: [{ uuid: a.uuid, state: 'running', cpuPercent: 42, memoryUsedMiB: 100 }],
  });
  assert.equal(h.store.get().vms.data?.[0]?.cpuPercent, 42);
  assert.equal(h.store.get().vm.data?.cpuPercent, 42);
  h.socket.emit('vm:changed', { uuid: a.uuid, event: 'undefined', vm: null });
  assert.deepEqual(h.store.get().vms.data, []);
  assert.equal(h.store.get().vm.data, null);
  assert.equal(h.store.get().vm.error?.code, 'VM_NOT_FOUND');
  stopList();
});

test('vms:subscribe once for any number of open views, unsubscribe with the last', async () => {
  const h = setup({ 'GET /vms': () => ({ vms: [] }), 'GET /vms/x': () => detail(summary('x')) });
  const stopList = h.vms.watchList();
  const stopDetail = h.vms.watchDetail('x');
  await tick();
  assert.deepEqual(
    h.socket.requests.map(([e]) => e),
    ['vms:subscribe'],
  );
  stopList();
  stopList();
  assert.equal(h.socket.requests.length, 1, 'still watched by the detail page');
  stopDetail();
  assert.deepEqual(
    h.socket.requests.map(([e]) => e),
    ['vms:subscribe', 'vms:unsubscribe'],
  );
  h.socket.reconnect();
  assert.equal(h.socket.requests.length, 2, 'nothing is re-subscribed once stopped');
});

test('after a reconnect the subscription is renewed and its ack replaces the list', async () => {
  const b = summary('bb', { state: 'running' });
  let ackList: VmSummary[] = [];
  const h = setup({ 'GET /vms': () => ({ vms: [] }) }, () => ({ vms: ackList }));
  const stop = h.vms.watchList();
  await tick();
  ackList = [b];
  h.socket.reconnect();
  await tick();
  assert.deepEqual(h.store.get().vms.data, [b]);
  stop();
});

test('a HYPERVISOR_UNAVAILABLE ack marks the hypervisor as gone', async () => {
  const h = setup({ 'GET /vms': () => ({ vms: [] }) }, () => {
    throw new ApiError('HYPERVISOR_UNAVAILABLE', 'libvirt is not running');
  });
  const stop = h.vms.watchList();
  await tick();
  assert.deepEqual(h.unavailable, ['libvirt is not running']);
  stop();
});

test('actions and delete update the list from the answer', async () => {
  const a = summary('a');
  const h = setup({
    'GET /vms': () => ({ vms: [a] }),
    [`POST /vms/${a.uuid}/actions/start`]: () => ({ ...a, state: 'running' }),
    [`DELETE /vms/${a.uuid}?deleteVolumes=true`]: () => undefined,
  });
  await h.vms.loadList();
  await h.vms.action(a.uuid, 'start');
  assert.equal(h.store.get().vms.data?.[0]?.state, 'running');
  await h.vms.remove(a.uuid, true, 'task-abcdefghijklmnop');
  assert.deepEqual(h.store.get().vms.data, []);
  assert.ok(h.calls.includes(`DELETE /vms/${a.uuid}?deleteVolumes=true`));
});
