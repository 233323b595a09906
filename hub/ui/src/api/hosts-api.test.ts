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
