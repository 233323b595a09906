import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostEvent } from '@quantix/shared';
import { createEventsApi } from './events-api.ts';
import { hubHarness } from './hub-api-harness.test-helper.ts';

const H = '00000000-0000-4000-8000-000000000001';
const ev = (seq: number, hostId?: string): HostEvent => ({
  id: `e${seq}`,
  seq,
  timestamp: '2026-01-01T00:00:00.000Z',
  level: 'info',
  category: 'system',
  message: `m${seq}`,
  source: hostId ? 'host kvm1' : 'hub',
  ...(hostId ? { details: { hostId } } : {}),
});

test("a host's events: the hub filters the list, live ones are filtered here", async () => {
  const h = hubHarness(
    {
      'GET /events?limit=100': () => ({ events: [ev(2, H), ev(1)] }),
      [`GET /events?limit=100&hostId=${H}`]: () => ({ events: [ev(2, H)] }),
    },
    () => ({ events: [ev(3), ev(2, H)] }),
  );
  const api = createEventsApi(h.deps);
  const stop = api.watch();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    h.store.get().events.data?.map((e) => e.seq),
    [3, 2, 1],
  );
  await api.setFilter({ hostId: H, level: '', limit: 100 });
  assert.deepEqual(
    h.store.get().events.data?.map((e) => e.seq),
    [2],
  );
  h.socket.emit('event:new', ev(4));
  h.socket.emit('event:new', ev(5, H));
  assert.deepEqual(
    h.store.get().events.data?.map((e) => e.seq),
    [5, 2],
  );
  stop();
  assert.equal(h.socket.requests.at(-1)?.[0], 'events:unsubscribe');
});
