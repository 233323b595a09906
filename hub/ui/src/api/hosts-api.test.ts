import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HubHost } from '@quantix/shared';
import { hubHost } from '../fleet/host-fixture.test-helper.ts';
import { hubHarness } from './hub-api-harness.test-helper.ts';
import { createHostsApi } from './hosts-api.ts';

const names = (hosts: readonly HubHost[] | null) => hosts?.map((h) => `${h.hostname}:${h.state}`);

test('the fleet loads once, then host:changed keeps it live', async () => {
  const a = hubHost({ hostname: 'alpha' });
  const h = hubHarness({ 'GET /hosts': () => ({ hosts: [a] }) });
  const api = createHostsApi(h.deps);
  h.socket.emit('host:changed', { hostId: a.hostId, host: { ...a, state: 'not-responding' } });
  assert.equal(h.store.get().hosts.data, null, 'nothing to change before the first load');
  await api.load();
  assert.deepEqual(names(h.store.get().hosts.data), ['alpha:connected']);
  const b = hubHost({ hostname: 'bravo' });
  h.socket.emit('host:changed', { hostId: b.hostId, host: b });
  h.socket.emit('host:changed', { hostId: a.hostId, host: { ...a, state: 'not-responding' } });
  assert.deepEqual(names(h.store.get().hosts.data), ['alpha:not-responding', 'bravo:connected']);
  h.socket.emit('host:changed', { hostId: a.hostId, host: null });
  assert.deepEqual(names(h.store.get().hosts.data), ['bravo:connected']);
});

test('hosts:status replaces the statuses of the hosts it names, in place', async () => {
  const a = hubHost({ hostname: 'alpha' });
  const b = hubHost({ hostname: 'bravo' });
  const h = hubHarness({ 'GET /hosts': () => ({ hosts: [a, b] }) });
  const api = createHostsApi(h.deps);
  await api.load();
  const before = h.store.get().hosts.data;
  assert.ok(a.status, 'the fixture has a status');
  const status = { ...a.status, cpuPercent: 77 };
  const at = '2026-01-02T03:04:05.000Z';
  h.socket.emit('hosts:status', {
    hosts: [
      { hostId: a.hostId, status, lastSeenAt: at },
      { hostId: '00000000-0000-4000-8000-000000000000', status, lastSeenAt: at },
    ],
  });
  const list = h.store.get().hosts.data;
  assert.deepEqual(names(list), ['alpha:connected', 'bravo:connected']);
  assert.equal(list?.[0]?.status?.cpuPercent, 77);
  assert.equal(list?.[0]?.lastSeenAt, at);
  assert.equal(list?.[1], before?.[1], 'a host it does not name is the same object');
  h.socket.emit('hosts:status', {
    hosts: [{ hostId: '00000000-0000-4000-8000-000000000000', status, lastSeenAt: at }],
  });
  assert.equal(h.store.get().hosts.data, list, 'nothing named: the list is not replaced');
});

test('changes that arrive while the list loads are not lost under the snapshot', async () => {
  const a = hubHost({ hostname: 'alpha' });
  const b = hubHost({ hostname: 'bravo' });
  let release: () => void = () => {};
  const h = hubHarness({
    'GET /hosts': () => new Promise((r) => (release = () => r({ hosts: [a, b] }))),
  });
  const api = createHostsApi(h.deps);
  const loading = api.load();
  h.socket.emit('host:changed', { hostId: b.hostId, host: null });
  h.socket.emit('host:changed', { hostId: a.hostId, host: { ...a, maintenance: true } });
  release();
  await loading;
  const list = h.store.get().hosts.data;
  assert.deepEqual(names(list), ['alpha:connected']);
  assert.equal(list?.[0]?.maintenance, true);
});

test('actions go to the contract paths and show their answer at once', async () => {
  const a = hubHost({ hostname: 'alpha' });
  const h = hubHarness({
    'GET /hosts': () => ({ hosts: [a] }),
    [`PUT /hosts/${a.hostId}/maintenance`]: () => ({ ...a, maintenance: true }),
    [`DELETE /hosts/${a.hostId}`]: () => undefined,
    [`GET /hosts/${a.hostId}/vms`]: () => ({ vms: [] }),
    [`POST /hosts/${a.hostId}/vms/vm-1/actions/start`]: () => ({}),
  });
  const api = createHostsApi(h.deps);
  await api.load();
  await api.setMaintenance(a.hostId, true);
  assert.deepEqual(h.http.bodies, [{ maintenance: true }]);
  assert.equal(h.store.get().hosts.data?.[0]?.maintenance, true);
  await api.vmAction(a.hostId, 'vm-1', 'start');
  assert.deepEqual(h.store.get().hostVms.data, { hostId: a.hostId, vms: [] }, 'the list is read again');
  await api.remove(a.hostId);
  assert.deepEqual(h.store.get().hosts.data, []);
});
