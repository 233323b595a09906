import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmDetail, VmSummary } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { HYPERVISOR_UP, routedHttp } from './fake-http.test-helper.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { fakeTimers } from '@quantix/shared/ui/api/fake-timers.test-helper.ts';
import { createLoader } from './load-into.ts';
import { createTasksApi } from './tasks-api.ts';
import { createVmsApi } from './vms-api.ts';
import { vmSummaryFixture } from '@quantix/shared/testing';

const summary = (name: string, over: Partial<VmSummary> = {}): VmSummary =>
  vmSummaryFixture({ uuid: `00000000-0000-0000-0000-00000000000${name.length}`, name, ...over });
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
  const { http, calls, bodies } = routedHttp(routes);
  const socket = fakeSocketClient((event) => ack(event));
  const t = fakeTimers();
  const unavailable: string[] = [];
  const vms = createVmsApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    tasks: createTasksApi({ socket: socket.client, store }),
    onHypervisorUnavailable: (m) => unavailable.push(m),
    timers: t.timers,
    visibility: t.visibility,
  });
  return { store, calls, bodies, socket, vms, unavailable, t };
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

test('the CPU change goes to the host and its answer replaces the open detail', async () => {
  const a = summary('a');
  const changed = { ...detail(a), cpu: { mode: 'host-model', model: null } };
  const h = setup({
    'GET /vms': () => ({ vms: [a] }),
    [`GET /vms/${a.uuid}`]: () => detail(a),
    [`PUT /vms/${a.uuid}/cpu`]: () => changed,
  });
  await h.vms.loadList();
  await h.vms.loadDetail(a.uuid);
  await h.vms.setCpu(a.uuid, { mode: 'host-model' });
  assert.deepEqual(h.bodies, [{ cpu: { mode: 'host-model' } }]);
  assert.deepEqual(h.store.get().vm.data?.cpu, { mode: 'host-model', model: null });
  assert.equal('cpu' in (h.store.get().vms.data?.[0] ?? {}), false, 'the list keeps summaries');
});

test('a new VM goes into the list as a summary', async () => {
  const a = summary('a');
  const h = setup({ 'GET /vms': () => ({ vms: [] }), 'POST /vms': () => detail(a) });
  await h.vms.loadList();
  await h.vms.create(
    {
      name: 'a',
      vcpus: 1,
      memoryMiB: 512,
      disks: [{ pool: 'p', sizeGiB: 1, format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    },
    'task-abcdefghijklmnop',
  );
  assert.deepEqual(h.store.get().vms.data, [{ ...a, disks: 0 }]);
});

test('while libvirt is gone, stats ticks do not bring live figures back', async () => {
  const a = summary('a', { state: 'running' });
  const h = setup({ 'GET /vms': () => ({ vms: [a] }) });
  await h.vms.loadList();
  h.store.update((s) => ({
    ...s,
    hypervisor: { ...HYPERVISOR_UP, available: false, error: 'gone' },
  }));
  h.socket.emit('vms:stats', {
    t: 1,
    vms: [{ uuid: a.uuid, state: 'running', cpuPercent: 5, memoryUsedMiB: 9 }],
  });
  assert.equal(h.store.get().vms.data?.[0]?.cpuPercent, null);
});

test('snapshots are read again on vm:changed of that VM and every 5 s while visible', async () => {
  const a = summary('a');
  const h = setup({ [`GET /vms/${a.uuid}/snapshots`]: () => ({ snapshots: [] }) });
  const reads = () => h.calls.filter((c) => c.endsWith('/snapshots')).length;
  const stop = h.vms.watchSnapshots(a.uuid);
  await tick();
  assert.equal(reads(), 1);
  assert.deepEqual(h.store.get().snapshots.data, { uuid: a.uuid, list: [] });
  h.socket.emit('vm:changed', { uuid: 'other', event: 'started', vm: null });
  await tick();
  assert.equal(reads(), 1, 'another VM: nothing to read');
  h.socket.emit('vm:changed', { uuid: a.uuid, event: 'started', vm: { ...a, state: 'running' } });
  await tick();
  assert.equal(reads(), 2);
  await h.t.fire();
  assert.equal(reads(), 3);
  await h.t.show(false);
  await h.t.fire();
  assert.equal(reads(), 3, 'a hidden page is not polled');
  await h.t.show(true);
  assert.equal(reads(), 4, 'shown again: read at once');
  stop();
  assert.equal(h.t.pending.size, 0);
  h.socket.emit('vm:changed', { uuid: a.uuid, event: 'stopped', vm: a });
  await tick();
  assert.equal(reads(), 4, 'stopped for good');
});
