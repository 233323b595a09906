import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry, LogPage } from '@quantix/shared';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '../store/create-store.ts';
import { fakeSocketClient } from './fake-socket-client.test-helper.ts';
import type { HttpClient } from './http-client.ts';
import { createLoader } from './load-into.ts';
import { createLogsApi } from './logs-api.ts';

const entry = (n: number): LogEntry => ({
  cursor: `c${n}`,
  timestamp: '2025-01-01T00:00:00Z',
  level: 'error',
  source: 's',
  message: `m${n}`,
});

function setup() {
  const store = createStore<AppState>(initialState({ path: '/logs', search: '' }));
  const gets: string[] = [];
  const http = {
    get: async (p: string) => {
      gets.push(p);
      if (p.startsWith('/logs/sources')) return { backend: 'files', sources: [] };
      const before = new URLSearchParams(p.split('?')[1]).get('before');
      const page: LogPage = before
        ? { entries: [entry(1)], nextBefore: null, backend: 'files' }
        : { entries: [entry(3), entry(2)], nextBefore: 'c2', backend: 'files' };
      return page;
    },
  } as unknown as HttpClient;
  const socket = fakeSocketClient(() => ({ backend: 'files' }));
  const logs = createLogsApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    base: '/api/v1',
  });
  return { store, gets, socket, logs };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('first page, then older pages with the cursor', async () => {
  const h = setup();
  const stop = h.logs.watch();
  await wait(0);
  assert.deepEqual(
    h.store.get().logs.entries.map((e) => e.cursor),
    ['c3', 'c2'],
  );
  await h.logs.loadOlder();
  assert.ok(h.gets.some((g) => g.includes('before=c2')));
  assert.deepEqual(
    h.store.get().logs.entries.map((e) => e.cursor),
    ['c3', 'c2', 'c1'],
  );
  assert.equal(h.store.get().logs.nextBefore, null);
  stop();
});

test('live: logs:tail with the filter, entries batched on top, logs:untail when off', async () => {
  const h = setup();
  const stop = h.logs.watch();
  await wait(0);
  await h.logs.setFilter({ ...h.store.get().logs.filter, level: 'error' });
  h.logs.setLive(true);
  await wait(0);
  assert.deepEqual(h.socket.requests.at(-1), ['logs:tail', [{ level: 'error' }]]);
  h.socket.emit('logs:entry', entry(4));
  h.socket.emit('logs:entry', entry(5));
  h.socket.emit('logs:dropped', { count: 7 });
  await wait(300);
  assert.deepEqual(
    h.store.get().logs.entries.map((e) => e.cursor),
    ['c5', 'c4', 'c3', 'c2'],
  );
  assert.equal(h.store.get().logs.dropped, 7);
  h.logs.setLive(false);
  assert.deepEqual(h.socket.requests.at(-1), ['logs:untail', []]);
  h.socket.emit('logs:entry', entry(6));
  await wait(300);
  assert.equal(h.store.get().logs.entries[0]?.cursor, 'c5', 'nothing after Live is off');
  stop();
});

test('the download link carries the filters', () => {
  const h = setup();
  const url = h.logs.downloadUrl({ level: 'warning', source: 'libvirtd', text: 'x', since: '', until: '' });
  assert.equal(url, '/api/v1/logs/download?level=warning&source=libvirtd&text=x');
});
