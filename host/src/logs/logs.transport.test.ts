import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Ack,
  type ClientToServerEvents,
  type LogEntry,
  LogPage,
  LogSources,
  type ServerToClientEvents,
} from '@quantix/shared';
import express from 'express';
import pino from 'pino';
import { Server as IoServer } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { errorHandler } from '@quantix/shared/server';
import type { HostIo } from '../socket/host-io.ts';
import { createFileSource } from './file-source.ts';
import { applianceLogFiles } from './logs-setup.ts';
import { attachLogsSocket } from './logs.socket.ts';
import { logsRoutes, vmLogRoutes } from './logs.routes.ts';
import { createLogsService } from './logs.service.ts';
import { until } from './wait.test-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-logs-http-'));
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const libvirtDir = join(dir, 'libvirt');
mkdirSync(join(libvirtDir, 'qemu'), { recursive: true });
copyFileSync(fixture('libvirtd.log'), join(libvirtDir, 'libvirtd.log'));
copyFileSync(fixture('qemu-web01.log'), join(libvirtDir, 'qemu', 'web01.log'));
const appLog = join(dir, 'quantix-host.log');
copyFileSync(fixture('quantix-host.pino.log'), appLog);

const files = createFileSource({
  files: applianceLogFiles({ appLogFile: appLog, libvirtLogDir: libvirtDir }),
  pollMs: 50,
});
const logs = createLogsService({ backend: 'files', files, qemuLogDir: join(libvirtDir, 'qemu') });

let server: Server;
let io: HostIo;
let base = '';
let detach: () => void = () => {};
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const clients: Client[] = [];

before(async () => {
  const app = express();
  app.use('/api/v1/logs', logsRoutes({ logs, now: () => new Date('2024-05-06T07:08:09.123Z') }));
  app.use('/api/v1/vms', vmLogRoutes({ logs }));
  app.use(errorHandler(pino({ level: 'silent' })));
  server = createServer(app);
  io = new IoServer(server, { transports: ['websocket'] }) as HostIo;
  detach = attachLogsSocket({ io, logs, maxPerSecond: 3 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const c of clients) c.disconnect();
  detach();
  await io.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`);
  return {
    res,
    body: res.headers.get('content-type')?.startsWith('application/json')
      ? await res.json()
      : await res.text(),
  };
};

async function client(): Promise<Client> {
  const c: Client = connect(base, { transports: ['websocket'], forceNew: true });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('connect_error', reject);
  });
  return c;
}

describe('logs over HTTP', () => {
  it('GET /logs pages with nextBefore', async () => {
    const first = await get('/api/v1/logs?limit=3&source=libvirtd');
    assert.equal(first.res.status, 200);
    const p1 = LogPage.parse(first.body);
    assert.equal(p1.entries.length, 3);
    const second = await get(
      `/api/v1/logs?limit=3&source=libvirtd&before=${encodeURIComponent(p1.nextBefore ?? '')}`,
    );
    const p2 = LogPage.parse(second.body);
    assert.ok(Date.parse(p2.entries[0]?.timestamp ?? '') <= Date.parse(p1.entries[2]?.timestamp ?? ''));
    assert.notDeepEqual(p2.entries[0], p1.entries[2]);
  });

  it('bad queries are 400 VALIDATION_FAILED', async () => {
    for (const q of [
      'level=loud',
      'limit=0',
      'limit=1001',
      `text=${'x'.repeat(201)}`,
      'since=yesterday',
      'since=2024-01-02T00:00:00Z&until=2024-01-01T00:00:00Z',
      'before=nonsense',
      'source=a*',
    ]) {
      const { res, body } = await get(`/api/v1/logs?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal((body as { error: { code: string } }).error.code, 'VALIDATION_FAILED', q);
    }
  });

  it('GET /logs/sources', async () => {
    const { body } = await get('/api/v1/logs/sources');
    assert.deepEqual(LogSources.parse(body), {
      backend: 'files',
      sources: [
        { id: 'quantix-host', label: 'Quantix host', kind: 'file' },
        { id: 'libvirtd', label: 'libvirtd', kind: 'file' },
        { id: 'qemu:web01', label: 'VM web01 (QEMU)', kind: 'file' },
      ],
    });
  });

  it('GET /logs/download is an attachment', async () => {
    const { res, body } = await get('/api/v1/logs/download?source=quantix-host&format=ndjson');
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-disposition'),
      'attachment; filename="quantix-logs-2024-05-06T07-08-09.ndjson"',
    );
    assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    assert.equal(String(body).trimEnd().split('\n').length, 7);
    const txt = await get('/api/v1/logs/download?level=critical');
    assert.match(txt.res.headers.get('content-disposition') ?? '', /\.log"$/);
    assert.match(
      String(txt.body),
      /^2026-11-26T21:10:51\.608Z critical quantix-host: unhandled promise rejection/,
    );
  });

  it('GET /vms/:name/log', async () => {
    const { res, body } = await get('/api/v1/vms/web01/log?limit=2&level=warning');
    assert.equal(res.status, 200);
    const page = LogPage.parse(body);
    assert.deepEqual(
      page.entries.map((e) => e.level),
      ['error', 'error'],
    );
    const bad = await get('/api/v1/vms/..%2F..%2Fetc%2Fpasswd/log');
    assert.equal(bad.res.status, 400);
    const none = await get('/api/v1/vms/db01/log');
    assert.deepEqual(none.body, { entries: [], nextBefore: null, backend: 'files' });
  });
});

describe('logs over socket.io', () => {
  it('logs:tail pushes new entries to that socket only; logs:untail stops them', async () => {
    const a = await client();
    const b = await client();
    const gotA: LogEntry[] = [];
    const gotB: LogEntry[] = [];
    a.on('logs:entry', (e) => gotA.push(e));
    b.on('logs:entry', (e) => gotB.push(e));
    const ack = await a.emitWithAck('logs:tail', { source: 'quantix-host', level: 'error' });
    assert.deepEqual(ack, { ok: true, data: { backend: 'files' } });
    appendFileSync(appLog, '{"level":30,"time":"2026-11-27T00:00:00.000Z","msg":"quiet"}\n');
    appendFileSync(appLog, '{"level":50,"time":"2026-11-27T00:00:01.000Z","msg":"loud"}\n');
    await until(() => gotA.length === 1, 'an entry');
    assert.equal(gotA[0]?.message, 'loud');
    assert.equal(gotA[0]?.source, 'quantix-host');
    assert.deepEqual(await a.emitWithAck('logs:untail'), { ok: true, data: null });
    appendFileSync(appLog, '{"level":50,"time":"2026-11-27T00:00:02.000Z","msg":"after untail"}\n');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(gotA.length, 1);
    assert.equal(gotB.length, 0);
  });

  it('a bad payload is acked VALIDATION_FAILED; a bad VM source too', async () => {
    const c = await client();
    const bad = (await c.emitWithAck('logs:tail', { level: 'loud' })) as Ack<unknown>;
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'VALIDATION_FAILED');
    const extra = (await c.emitWithAck('logs:tail', { limit: 5 })) as Ack<unknown>;
    assert.equal(!extra.ok && extra.error.code, 'VALIDATION_FAILED', 'paging is not part of a tail');
    const vm = (await c.emitWithAck('logs:tail', { source: 'qemu:..' })) as Ack<unknown>;
    assert.equal(!vm.ok && vm.error.code, 'VALIDATION_FAILED');
    const ok = await c.emitWithAck('logs:tail', { source: 'qemu:web01' });
    assert.deepEqual(ok, { ok: true, data: { backend: 'files' } });
  });

  it('more than the cap per second is dropped and counted', async () => {
    const c = await client();
    const got: LogEntry[] = [];
    const dropped: number[] = [];
    c.on('logs:entry', (e) => got.push(e));
    c.on('logs:dropped', (d) => dropped.push(d.count));
    await c.emitWithAck('logs:tail', { source: 'libvirtd' });
    const lines = Array.from(
      { length: 10 },
      (_, i) => `2026-11-27 00:00:0${i}.000+0000: 1: info : burst ${i}\n`,
    );
    appendFileSync(join(libvirtDir, 'libvirtd.log'), lines.join(''));
    await until(
      () => dropped.length === 1,
      `a drop notice (got ${got.length}, dropped ${JSON.stringify(dropped)})`,
    );
    assert.equal(got.length, 3);
    assert.equal(dropped[0], 7);
    c.disconnect();
  });
});
