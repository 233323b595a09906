import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import type { LogEntry, LogPage } from '@quantix/shared';
import express from 'express';
import pino from 'pino';
import { errorHandler } from '@quantix/shared/server';
import { createFileSource } from '../../../src/logs/file-source.ts';
import { logsRoutes } from '../../../src/logs/logs.routes.ts';
import { createLogsService } from '../../../src/logs/logs.service.ts';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import { createLoader } from './load-into.ts';
import { attachmentName, createLogsApi } from './logs-api.ts';

const entry = (n: number): LogEntry => ({
  cursor: `c${n}`,
  timestamp: '2025-01-01T00:00:00Z',
  level: 'error',
  source: 's',
  message: `m${n}`,
});

function setup(opts: { fetch?: typeof fetch; base?: string } = {}) {
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
  const saved: Array<{ name: string; text: Promise<string> }> = [];
  const errors: string[] = [];
  const logs = createLogsApi({
    http,
    socket: socket.client,
    store,
    loadInto: createLoader(store),
    base: opts.base ?? '/api/v1',
    fetch: opts.fetch ?? (async () => assert.fail('no fetch expected')),
    save: (file, name) => saved.push({ name, text: file.text() }),
    onError: (err) => errors.push(err.code),
  });
  return { store, gets, socket, logs, saved, errors };
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

test('the view starts at info and above: the access log (debug) stays out until asked for', async () => {
  const h = setup();
  assert.equal(h.store.get().logs.filter.level, 'info');
  const stop = h.logs.watch();
  await wait(0);
  const first = new URLSearchParams(h.gets.find((g) => g.startsWith('/logs?'))?.split('?')[1]);
  assert.equal(first.get('level'), 'info');
  h.logs.setLive(true);
  await wait(0);
  assert.deepEqual(h.socket.requests.at(-1), ['logs:tail', [{ level: 'info' }]]);
  await h.logs.setFilter({ ...h.store.get().logs.filter, level: '' });
  assert.equal(
    new URLSearchParams(h.gets.at(-1)?.split('?')[1]).has('level'),
    false,
    'All levels: debug too',
  );
  stop();
});

/**
 * The download against the real logs routes and a real log file on 127.0.0.1: fetched by the
 * page (not followed as a link, which Chromium cancelled once Live had left the connection idle),
 * then handed to the browser under the server's file name.
 */
describe('download', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quantix-logs-download-'));
  const appLog = join(dir, 'quantix-host.log');
  writeFileSync(
    appLog,
    [
      '{"level":30,"time":"2026-01-01T00:00:00.000Z","msg":"vm started"}',
      '{"level":50,"time":"2026-01-01T00:00:01.000Z","msg":"disk failed"}',
      '{"level":30,"time":"2026-01-01T00:00:02.000Z","method":"GET","path":"/api/v1/host","status":200,"msg":"request"}',
      '',
    ].join('\n'),
  );
  const files = createFileSource({
    files: () => [{ id: 'quantix-host', label: 'Quantix host', path: appLog, format: 'pino' }],
  });
  const service = createLogsService({ backend: 'files', files, qemuLogDir: join(dir, 'qemu') });
  let server: Server;
  let base = '';
  before(async () => {
    const app = express();
    app.use('/api/v1/logs', logsRoutes({ logs: service, now: () => new Date('2026-01-02T03:04:05Z') }));
    app.use(errorHandler(pino({ level: 'silent' })));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the filtered log and saves it under the name the host gives', async () => {
    const h = setup({ fetch, base });
    h.logs.setLive(true); // Live makes no difference to it
    const done = h.logs.download();
    assert.equal(h.store.get().logs.downloading, true);
    await done;
    assert.equal(h.store.get().logs.downloading, false);
    assert.equal(h.store.get().logs.error, null);
    assert.equal(h.saved.length, 1);
    assert.equal(h.saved[0]?.name, 'quantix-logs-2026-01-02T03-04-05.log');
    // the default filter: info and above, so not the access line
    assert.deepEqual((await h.saved[0]?.text)?.trimEnd().split('\n'), [
      '2026-01-01T00:00:01.000Z error    quantix-host: disk failed',
      '2026-01-01T00:00:00.000Z info     quantix-host: vm started',
    ]);
    await h.logs.setFilter({ ...h.store.get().logs.filter, level: 'debug' });
    await h.logs.download();
    assert.match((await h.saved[1]?.text) ?? '', /^2026-01-01T00:00:02.000Z debug {4}quantix-host: request /);
  });

  it('shows why a download failed, and saves nothing', async () => {
    const h = setup({ fetch, base });
    await h.logs.setFilter({ ...h.store.get().logs.filter, source: 'bad source!' });
    await h.logs.download();
    assert.equal(h.store.get().logs.error?.code, 'VALIDATION_FAILED');
    assert.deepEqual(h.errors, ['VALIDATION_FAILED'], 'the session api sees it, as it sees HTTP failures');
    assert.equal(h.saved.length, 0);
    assert.equal(h.store.get().logs.downloading, false);

    const gone = setup({ fetch, base: 'http://127.0.0.1:1/api/v1' });
    await gone.logs.download();
    assert.equal(gone.store.get().logs.error?.code, 'NETWORK_ERROR');
    assert.equal(gone.saved.length, 0);
  });
});

test('the file name comes from Content-Disposition, and cannot name a path', () => {
  assert.equal(attachmentName('attachment; filename="quantix-logs-x.ndjson"', 'f'), 'quantix-logs-x.ndjson');
  assert.equal(attachmentName(null, 'fallback.log'), 'fallback.log');
  assert.equal(attachmentName('attachment; filename="../etc/passwd"', 'f'), 'f');
  assert.equal(attachmentName('inline', 'f'), 'f');
});
