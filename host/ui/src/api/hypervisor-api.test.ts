import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CpuCapabilities, VmSummary } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { HYPERVISOR_UP as UP, routedHttp } from './fake-http.test-helper.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { fakeTimers, settle } from '@quantix/shared/ui/api/fake-timers.test-helper.ts';
import { createHypervisorApi } from './hypervisor-api.ts';
import { createLoader } from './load-into.ts';

function setup(routes: Record<string, () => unknown>) {
  const store = createStore<AppState>(initialState({ path: '/vms', search: '' }));
  const socket = fakeSocketClient();
  const t = fakeTimers();
  const { http, calls } = routedHttp(routes);
  const hv = createHypervisorApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    timers: t.timers,
  });
  return { store, socket, t, calls, hv };
}

test('pushes, API errors and a later re-check drive the status', async () => {
  const h = setup({ 'GET /hypervisor': () => UP });
  h.socket.emit('hypervisor:status', { ...UP, available: false, error: 'socket closed' });
  assert.equal(h.store.get().hypervisor?.error, 'socket closed');
  h.socket.emit('hypervisor:status', UP);
  assert.equal(h.store.get().hypervisor?.available, true);

  h.hv.markUnavailable('libvirt is not running');
  h.hv.markUnavailable('libvirt is not running');
  const s = h.store.get().hypervisor;
  assert.equal(s?.available, false);
  assert.equal(s?.uri, 'qemu:///system', 'what was known is kept');
  assert.equal(h.t.pending.size, 1, 'one re-check at a time');
  await h.t.fire(5000);
  assert.deepEqual(h.calls, ['GET /hypervisor']);
  assert.equal(h.store.get().hypervisor?.available, true);
});

test('libvirt going away drops the live VM figures, whichever way we learn it', () => {
  const h = setup({});
  const vm: VmSummary = {
    uuid: 'u1',
    name: 'web',
    state: 'running',
    vcpus: 1,
    memoryMiB: 512,
    disks: 1,
    autostart: false,
    persistent: true,
    cpuPercent: 12,
    memoryUsedMiB: 300,
    tags: [],
    template: false,
  };
  h.store.update((s) => ({ ...s, vms: { data: [vm], loading: false, error: null } }));
  h.hv.markUnavailable('libvirt is not running');
  assert.equal(h.store.get().vms.data?.[0]?.cpuPercent, null);
  assert.equal(h.store.get().vms.data?.[0]?.state, 'running', 'the last known state stays (marked stale)');
});

test('the CPU choices are re-read while the probe runs, and again when libvirt is back', async () => {
  const caps = (probing: boolean): CpuCapabilities => ({
    virtType: 'kvm',
    probing,
    default: { mode: 'custom', model: 'Westmere' },
    options: [],
  });
  const answers = [caps(true), caps(true), caps(false), caps(true)];
  const h = setup({ 'GET /hypervisor/cpu': () => answers.shift() });
  const stop = h.hv.watchCpu();
  await settle();
  assert.equal(h.store.get().cpuCaps.data?.probing, true);
  await h.t.fire(2000);
  await h.t.fire(2000);
  assert.equal(h.store.get().cpuCaps.data?.probing, false);
  assert.equal(h.calls.length, 3);
  assert.equal(h.t.pending.size, 0, 'settled: no more polling');

  h.socket.emit('hypervisor:status', { ...UP, available: false, error: 'gone' });
  h.socket.emit('hypervisor:status', UP);
  await settle();
  assert.equal(h.calls.length, 4, 'back: the host probes again, so we read again');
  assert.deepEqual(h.t.delays(), [2000], 'and poll while that probe runs');
  stop();
  assert.equal(h.t.pending.size, 0);
});
