import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SharedPool } from '@quantix/shared';
import type { XhrLike } from '@quantix/shared/ui/api/upload.ts';
import { hubHarness } from './hub-api-harness.test-helper.ts';
import { createPoolsApi } from './pools-api.ts';

const pool = (name: string): SharedPool => ({
  definition: { type: 'dir', name, path: `/srv/${name}` },
  createdAt: '2026-01-01T00:00:00.000Z',
  assignments: [],
});
const H = '00000000-0000-4000-8000-000000000001';

function fakeXhr() {
  const seen: { method?: string; url?: string; headers: Record<string, string> } = { headers: {} };
  const xhr = {
    status: 201,
    responseText: JSON.stringify({ name: 'a.iso', path: 'a.iso', size: 3 }),
    upload: { onprogress: null },
    onload: null as XhrLike['onload'],
    onerror: null,
    onabort: null,
    ontimeout: null,
    open(method: string, url: string) {
      seen.method = method;
      seen.url = url;
    },
    setRequestHeader(k: string, v: string) {
      seen.headers[k] = v;
    },
    send() {
      queueMicrotask(() => xhr.onload?.(new Event('load') as ProgressEvent));
    },
    abort() {},
  };
  return { xhr: xhr as unknown as XhrLike, seen };
}

test('pools load, follow pool:changed, and files are read through the chosen host', async () => {
  const h = hubHarness({
    'GET /pools': () => ({ pools: [pool('b')] }),
    [`GET /pools/b/files?hostId=${H}&path=iso&offset=0&limit=100`]: () => ({
      pool: 'b',
      path: 'iso',
      entries: [],
      total: 0,
      offset: 0,
      limit: 100,
    }),
  });
  const x = fakeXhr();
  const api = createPoolsApi({ ...h.deps, base: '/api/v1', makeXhr: () => x.xhr, onError: () => {} });
  await api.load();
  h.socket.emit('pool:changed', { name: 'a', pool: pool('a') });
  assert.deepEqual(
    h.store.get().pools.data?.map((p) => p.definition.name),
    ['a', 'b'],
  );
  h.socket.emit('pool:changed', { name: 'b', pool: null });
  assert.deepEqual(
    h.store.get().pools.data?.map((p) => p.definition.name),
    ['a'],
  );
  await api.listFiles('b', H, 'iso', 0, 100);
  assert.equal(h.store.get().files.data?.hostId, H);
  assert.equal(h.store.get().files.error, null);

  const up = api.upload('b', H, new File(['abc'], 'a.iso'), () => {});
  assert.equal((await up.done).name, 'a.iso');
  assert.equal(x.seen.method, 'PUT');
  assert.equal(x.seen.url, `/api/v1/pools/b/files/a.iso?hostId=${H}`);
  assert.equal(x.seen.headers['Content-Type'], 'application/octet-stream');
});

test('assign and unassign show the pool the hub answers at once', async () => {
  const assigned: SharedPool = {
    ...pool('b'),
    assignments: [{ hostId: H, state: 'pending', message: null, changedAt: '2026-01-01T00:00:00.000Z' }],
  };
  const h = hubHarness({
    'GET /pools': () => ({ pools: [pool('b')] }),
    [`PUT /pools/b/hosts/${H}`]: () => assigned,
    [`DELETE /pools/b/hosts/${H}`]: () => ({
      ...assigned,
      assignments: [{ ...assigned.assignments[0], state: 'removing' }],
    }),
  });
  const api = createPoolsApi({ ...h.deps, base: '/api/v1', makeXhr: () => fakeXhr().xhr, onError: () => {} });
  await api.load();
  await api.assign('b', H);
  assert.equal(h.store.get().pools.data?.[0]?.assignments[0]?.state, 'pending');
  await api.unassign('b', H);
  assert.equal(h.store.get().pools.data?.[0]?.assignments[0]?.state, 'removing');
});
