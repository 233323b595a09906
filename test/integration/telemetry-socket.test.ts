import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ClientToServerEvents,
  MetricsHistory,
  type ServerToClientEvents,
  TelemetrySample,
} from '@quantix/shared';
import { io, type Socket } from 'socket.io-client';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(host: RunningHost, opts: { cookie?: string; origin?: string }): ClientSocket {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  return io(host.url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    timeout: 5000,
    ca: host.ca,
    extraHeaders: headers,
  });
}

function connected(s: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

function refused(s: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected but should have been refused')));
    s.once('connect_error', (err) => resolve(err.message));
  });
}

describe('live telemetry over socket.io', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  const sockets: ClientSocket[] = [];
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await host.stop();
    data.remove();
  });
  const open = (opts: { cookie?: string; origin?: string }) => {
    const s = connect(host, opts);
    sockets.push(s);
    return s;
  };

  it('refuses a cross-origin WebSocket even with a valid session cookie', async () => {
    const evil = open({ cookie: admin.header(), origin: 'https://evil.example' });
    await refused(evil);
    const noOrigin = open({ cookie: admin.header() });
    await refused(noOrigin);
    const lookalike = open({ cookie: admin.header(), origin: `${host.origin}.evil.example` });
    await refused(lookalike);
  });

  it('refuses a socket without a session', async () => {
    await refused(open({ origin: host.origin }));
    await refused(open({ origin: host.origin, cookie: '__Host-qx_session=forged' }));
  });

  it('streams a sample every second with sane values, and gives history to a new subscriber', async () => {
    const s = open({ cookie: admin.header(), origin: host.origin });
    await connected(s);
    const samples: TelemetrySample[] = [];
    s.on('telemetry:sample', (x) => samples.push(TelemetrySample.parse(x)));
    const ack = await s.timeout(5000).emitWithAck('telemetry:subscribe', { historySeconds: 60 });
    assert.equal(ack.ok, true);
    // three live samples (bounded wait: a busy machine only delays them)
    for (let i = 0; i < 600 && samples.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(samples.length >= 3, `got ${samples.length} samples`);
    for (let i = 1; i < samples.length; i++) {
      assert.ok((samples[i]?.t ?? 0) > (samples[i - 1]?.t ?? 0), 'each sample is newer');
    }
    // about one a second, never a burst: a late sample may be followed by an on-time one, so the
    // average spacing, not each gap, and only from below (load delays, it never speeds up)
    const first = samples[0]?.t ?? 0;
    const spacing = ((samples.at(-1)?.t ?? 0) - first) / (samples.length - 1);
    assert.ok(spacing >= 400, `samples ${spacing} ms apart on average`);
    const last = samples.at(-1);
    assert.ok(last);
    assert.ok(last.memory.total > 0 && last.memory.used > 0 && last.memory.used <= last.memory.total);
    assert.ok(last.cpu.cores.length >= 1);
    assert.ok(last.cpu.total >= 0 && last.cpu.total <= 100);
    assert.ok(last.uptime > 0);
    assert.ok(last.filesystems.some((f) => f.mount === '/'));

    const late = open({ cookie: admin.header(), origin: host.origin });
    await connected(late);
    const lateAck = await late.timeout(5000).emitWithAck('telemetry:subscribe', { historySeconds: 60 });
    assert.ok(lateAck.ok);
    const history = lateAck.data.history.map((x: unknown) => TelemetrySample.parse(x));
    assert.ok(history.length >= samples.length, 'history holds what was already sampled');
    assert.equal(history.at(-1)?.t, samples.at(-1)?.t);

    const bad = await late.timeout(5000).emitWithAck('telemetry:subscribe', { historySeconds: 'lots' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.error.code, 'VALIDATION_FAILED');
    assert.ok(late.connected, 'a bad payload is answered, not a crash');
  });

  it('serves the latest sample and the history over REST', async () => {
    const latest = await host.api('/api/v1/host/metrics', { jar: admin });
    assert.equal(latest.status, 200);
    TelemetrySample.parse(latest.json);
    const hist = await host.api('/api/v1/host/metrics/history?seconds=60', { jar: admin });
    const samples = MetricsHistory.parse(hist.json).samples;
    assert.ok(samples.length >= 3);
    assert.ok(
      samples.every((x, i) => i === 0 || x.t > (samples[i - 1]?.t ?? 0)),
      'oldest first',
    );
    assert.equal((await host.api('/api/v1/host/metrics/history?seconds=99999', { jar: admin })).status, 400);
  });

  it('pushes new events live', async () => {
    const s = open({ cookie: admin.header(), origin: host.origin });
    await connected(s);
    const ack = await s.timeout(5000).emitWithAck('events:subscribe', { limit: 10 });
    assert.ok(ack.ok);
    const next = new Promise<string>((resolve) => s.once('event:new', (e) => resolve(e.message)));
    await host.api('/api/v1/registration/tokens', { method: 'POST', jar: admin });
    assert.match(await next, /Registration token [a-z0-9]{6} created/);
  });

  it('logout ends the session and closes its sockets', async () => {
    const { CookieJar } = await import('../support/https-client.ts');
    const jar = new CookieJar();
    await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'correct horse battery' },
      jar,
    });
    const oldCookie = jar.header();
    const s = open({ cookie: oldCookie, origin: host.origin });
    await connected(s);
    const ended = new Promise<string>((resolve) => s.once('session:ended', (i) => resolve(i.reason)));
    const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    await host.api('/api/v1/auth/logout', { method: 'POST', jar });
    assert.equal(await ended, 'logout');
    assert.equal(await closed, 'io server disconnect');
    await refused(open({ cookie: oldCookie, origin: host.origin }));
  });
});
