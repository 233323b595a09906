import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Ack,
  decodeJoin,
  encodeJoin,
  ErrorBody,
  type ErrorCode,
  EventList,
  HostList,
  HostPreview,
  HTTP_STATUS,
  type HubClientToServerEvents,
  type HubHostChanged,
  HubHost,
  HubInfo,
  type HubServerToClientEvents,
  HubState,
  PingResponse,
} from '@quantix/shared';
import { io, type Socket } from 'socket.io-client';
import { createSecretBox } from '../../hub/src/secrets/secret-box.ts';
import {
  closedPort,
  httpsPeer,
  type Peer,
  peerCertificate,
  plainHttpPeer,
  silentTcpPeer,
  silentTlsPeer,
  tlsProxy,
} from '../support/failing-peers.ts';
import { runCli, type RunningHost, setupAdmin, startHost } from '../support/host-process.ts';
import { ADMIN, type RunningHub, setupHubAdmin, startHub, tempDataDir } from '../support/hub-process.ts';
import { CookieJar, type HttpResponse } from '../support/https-client.ts';

/** The hub the tests adopt with: loopback hosts allowed, 2 s per request to a host. */
const HUB_ENV = { QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '1', QUANTIX_HUB_ADOPT_TIMEOUT_SECONDS: '2' };

/** A token minted on the host's console (`quantix-host token`), as an admin provisioning it would. */
async function mint(
  host: RunningHost,
): Promise<{ token: string; tokenId: string; secret: string; join: string }> {
  const cli = await runCli(['token', '--data', host.dataDir]);
  assert.equal(cli.code, 0, cli.stderr);
  const token = /^token: +(\S+)$/m.exec(cli.stdout)?.[1] ?? '';
  const join = /^join: +(\S+)$/m.exec(cli.stdout)?.[1] ?? '';
  const [tokenId = '', secret = ''] = token.split('.');
  assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  return { token, tokenId, secret, join };
}

/** What the host itself says of a token: `valid`, or its error code. */
async function tokenState(host: RunningHost, token: string): Promise<string> {
  const res = await host.api('/api/v1/registration/token', { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? 'valid' : ErrorBody.parse(res.json).error.code;
}

async function pingOf(host: RunningHost): Promise<PingResponse> {
  return PingResponse.parse((await host.api('/api/v1/registration/ping')).json);
}

function post(hub: RunningHub, jar: CookieJar, path: string, body: unknown): Promise<HttpResponse> {
  return hub.api(path, { method: 'POST', body, jar, timeoutMs: 60_000 });
}

/** Asserts the adoption error body: code, status, phase and the host URL it was talking to. */
function assertRefused(res: HttpResponse, code: ErrorCode, phase: string, hostUrl: string): string {
  const body = ErrorBody.safeParse(res.json);
  assert.ok(body.success, `not an error body: ${res.status} ${res.text}`);
  const e = body.data.error;
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
  assert.equal(res.status, HTTP_STATUS[code]);
  assert.equal(e.phase, phase, e.message);
  assert.equal(e.hostUrl, hostUrl);
  return e.message;
}

async function hostIds(hub: RunningHub, jar: CookieJar): Promise<string[]> {
  const res = await hub.api('/api/v1/hosts', { jar });
  assert.equal(res.status, 200, res.text);
  return HostList.parse(res.json).hosts.map((h) => h.hostId);
}

async function hubEvents(hub: RunningHub, jar: CookieJar, category: string) {
  const res = await hub.api(`/api/v1/events?category=${category}&limit=200`, { jar });
  assert.equal(res.status, 200, res.text);
  return EventList.parse(res.json).events;
}

type HubSocket = Socket<HubServerToClientEvents, HubClientToServerEvents>;

function openHubSocket(hub: RunningHub, jar: CookieJar): Promise<HubSocket> {
  const s: HubSocket = io(hub.url, {
    transports: ['websocket'],
    reconnection: false,
    ca: hub.ca,
    extraHeaders: { cookie: jar.header(), origin: hub.origin },
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Waits (bounded) until `received` holds a change matching `match`. */
async function changeSeen(received: HubHostChanged[], match: (c: HubHostChanged) => boolean): Promise<void> {
  for (let i = 0; i < 200 && !received.some(match); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(received.some(match), `no such host:changed in ${JSON.stringify(received.map((c) => c.hostId))}`);
}

describe('hub host adoption with real hosts', () => {
  const hubData = tempDataDir('qx-hub-adopt-');
  const host1Data = tempDataDir('qx-host1-');
  const host2Data = tempDataDir('qx-host2-');
  let hub: RunningHub;
  let admin: CookieJar;
  let host1: RunningHost;
  let host2: RunningHost;
  let host1Admin: CookieJar;
  let host1Id: string;
  let host2Id: string;
  let firstJoin: string;
  let socket: HubSocket | null = null;
  const changes: HubHostChanged[] = [];

  before(async () => {
    [hub, host1, host2] = await Promise.all([
      startHub({ dataDir: hubData.dir, env: HUB_ENV }),
      startHost({ dataDir: host1Data.dir }),
      startHost({ dataDir: host2Data.dir }),
    ]);
    admin = await setupHubAdmin(hub);
    host1Admin = await setupAdmin(host1);
    host1Id = (await pingOf(host1)).hostId;
    host2Id = (await pingOf(host2)).hostId;
    socket = await openHubSocket(hub, admin);
    socket.on('host:changed', (c) => changes.push(c));
  });
  after(async () => {
    socket?.close();
    await Promise.all([hub.stop(), host1.stop(), host2.stop()]);
    hubData.remove();
    host1Data.remove();
    host2Data.remove();
  });

  it('discover (URL + token) returns the inventory for review and does not consume the token', async () => {
    const t = await mint(host1);
    const res = await post(hub, admin, '/api/v1/hosts/discover', { target: host1.url, token: t.token });
    assert.equal(res.status, 200, res.text);
    const preview = HostPreview.parse(res.json);
    const ping = await pingOf(host1);
    assert.equal(preview.hostId, ping.hostId);
    assert.equal(preview.spki, ping.spki);
    assert.equal(preview.url, host1.url);
    assert.ok(preview.inventory.cpu.threads > 0);
    assert.ok(preview.inventory.memory.total > 0);
    assert.equal(await tokenState(host1, t.token), 'valid', 'discovery leaves the token usable');
    assert.deepEqual(await hostIds(hub, admin), [], 'nothing is recorded by a discovery');
    assert.equal(ping.enrolled, false);
    firstJoin = t.join;
  });

  it('adds a host by its join string: 201 with the HubHost, the token used, the hub on the host', async () => {
    const res = await post(hub, admin, '/api/v1/hosts', { target: firstJoin });
    assert.equal(res.status, 201, res.text);
    const host = HubHost.parse(res.json);
    assert.equal(host.hostId, host1Id);
    assert.equal(host.url, host1.url);
    assert.equal(host.spki, (await pingOf(host1)).spki);
    assert.equal(host.via, 'token');
    // the host dials the hub as soon as `complete` returns: its link may already be up
    assert.ok(['pending', 'connected'].includes(host.state), host.state);
    assert.equal(host.maintenance, false);
    assert.ok(!('credential' in (res.json as object)), 'the API never shows the credential');

    const one = await hub.api(`/api/v1/hosts/${host1Id}`, { jar: admin });
    assert.equal(one.status, 200, one.text);
    // then the live link: the adopted host dials the hub with its key pinned
    const deadline = Date.now() + 20_000;
    let state = HubHost.parse((await hub.api(`/api/v1/hosts/${host1Id}`, { jar: admin })).json).state;
    while (state !== 'connected' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = HubHost.parse((await hub.api(`/api/v1/hosts/${host1Id}`, { jar: admin })).json).state;
    }
    assert.equal(state, 'connected', 'the adopted host dialled the hub');
    // the record is the one the add answered; only its live part moves on
    const recordOf = ({ state: _s, stateReason: _r, status: _st, lastSeenAt: _l, ...rest }: HubHost) => rest;
    assert.deepEqual(recordOf(HubHost.parse(one.json)), recordOf(host));
    assert.deepEqual(await hostIds(hub, admin), [host1Id]);

    const token = decodeJoin(firstJoin)?.token ?? '';
    assert.equal(await tokenState(host1, token), 'TOKEN_EXPIRED', 'complete consumed the token');
    const hubInfo = HubInfo.parse((await hub.api('/api/v1/hub', { jar: admin })).json);
    const hubs = (await host1.api('/api/v1/registration/hubs', { jar: host1Admin })).json as {
      hubs: { hubId: string; hubUrl: string; hubSpki: string }[];
    };
    assert.deepEqual(
      hubs.hubs.map((h) => [h.hubId, h.hubUrl, h.hubSpki]),
      [[hubInfo.hubId, hubInfo.publicUrl, hubInfo.spki]],
    );
    await changeSeen(changes, (c) => c.hostId === host1Id && c.host?.hostId === host1Id);
  });

  it('refuses a second add of the same host with HOST_ALREADY_REGISTERED, before the token is sent', async () => {
    const t = await mint(host1);
    const res = await post(hub, admin, '/api/v1/hosts', { target: t.join });
    assertRefused(res, 'HOST_ALREADY_REGISTERED', 'ping', host1.url);
    assert.equal(await tokenState(host1, t.token), 'valid', 'the new token was never sent');
    const byUrl = await post(hub, admin, '/api/v1/hosts', { target: host1.url, token: t.token });
    assertRefused(byUrl, 'HOST_ALREADY_REGISTERED', 'ping', host1.url);
    assert.deepEqual(await hostIds(hub, admin), [host1Id]);
  });

  it('adds a host by URL and token (challenge, then the key pinned)', async () => {
    const t = await mint(host2);
    const res = await post(hub, admin, '/api/v1/hosts', { target: `${host2.url}/`, token: t.token });
    assert.equal(res.status, 201, res.text);
    const host = HubHost.parse(res.json);
    assert.equal(host.hostId, host2Id);
    assert.equal(host.spki, (await pingOf(host2)).spki);
    assert.equal(host.url, host2.url);
    assert.deepEqual((await hostIds(hub, admin)).sort(), [host1Id, host2Id].sort());
    assert.equal(await tokenState(host2, t.token), 'TOKEN_EXPIRED');
  });

  it('keeps each credential sealed in a 0600 hub.json (no plaintext qxc.), under a 0600 secret.key', async () => {
    const file = join(hubData.dir, 'hub.json');
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('qxc.'), 'no plaintext credential in hub.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const keyFile = join(hubData.dir, 'secret.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    assert.equal(key.length, 32);

    const state = HubState.parse(JSON.parse(text));
    assert.equal(state.hosts.length, 2);
    const box = createSecretBox(key);
    for (const h of state.hosts) {
      assert.match(h.credential, /^sealed:v1:/);
      // opened with the hub's key, it is the credential the host issued: the host accepts it
      const credential = box.open(h.credential, h.hostId);
      assert.match(credential, /^qxc\./);
      const host = h.hostId === host1Id ? host1 : host2;
      const res = await host.api('/api/v1/registration/discovery', {
        headers: { authorization: `Bearer ${credential}` },
      });
      assert.equal(res.status, 200, `the ${h.hostname} credential works: ${res.text}`);
    }
  });

  it('records each adoption in the event log with the admin as source, never a secret', async () => {
    const events = await hubEvents(hub, admin, 'registration');
    const added = events.filter((e) => /^Host ".+" \(https:\/\/127\.0\.0\.1:\d+\) added/.test(e.message));
    assert.equal(added.length, 2, JSON.stringify(events.map((e) => e.message)));
    for (const e of added) assert.equal(e.source, ADMIN.username);
    const all = JSON.stringify(await hubEvents(hub, admin, 'registration'));
    assert.ok(!/[a-z0-9]{6}\.[a-z0-9]{16}/.test(all), 'no whole token in the events');
    assert.ok(!all.includes('qxc.'));
    assert.ok(!hub.output().includes('qxc.'));
  });

  it('sets maintenance (persistent flag, an event, a host:changed); refuses a bad body and an unknown host', async () => {
    const res = await hub.api(`/api/v1/hosts/${host1Id}/maintenance`, {
      method: 'PUT',
      body: { maintenance: true },
      jar: admin,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(HubHost.parse(res.json).maintenance, true);
    await changeSeen(changes, (c) => c.hostId === host1Id && c.host?.maintenance === true);
    const bad = await hub.api(`/api/v1/hosts/${host1Id}/maintenance`, {
      method: 'PUT',
      body: { maintenance: 'yes' },
      jar: admin,
    });
    assert.equal(bad.status, 400);
    assert.equal(ErrorBody.parse(bad.json).error.code, 'VALIDATION_FAILED');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const r of [
      await hub.api(`/api/v1/hosts/${unknown}/maintenance`, {
        method: 'PUT',
        body: { maintenance: true },
        jar: admin,
      }),
      await hub.api(`/api/v1/hosts/${unknown}`, { jar: admin }),
      await hub.api('/api/v1/hosts/not-a-uuid', { jar: admin }),
    ]) {
      assert.equal(r.status, 404);
      assert.equal(ErrorBody.parse(r.json).error.code, 'HOST_NOT_FOUND');
    }
    const events = await hubEvents(hub, admin, 'system');
    assert.ok(events.some((e) => e.message.includes('put in maintenance') && e.source === ADMIN.username));
  });

  it('answers host:watch with the history for a known host and HOST_NOT_FOUND otherwise', async () => {
    assert.ok(socket);
    const ok: Ack<{ history: unknown[] }> = await socket
      .timeout(5000)
      .emitWithAck('host:watch', { hostId: host1Id });
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.deepEqual(ok.data.history, []);
    const missing: Ack<{ history: unknown[] }> = await socket
      .timeout(5000)
      .emitWithAck('host:watch', { hostId: '00000000-0000-4000-8000-000000000000' });
    assert.ok(!missing.ok && missing.error.code === 'HOST_NOT_FOUND');
    const bad: Ack<{ history: unknown[] }> = await socket
      .timeout(5000)
      .emitWithAck('host:watch', { hostId: 'x' });
    assert.ok(!bad.ok && bad.error.code === 'VALIDATION_FAILED');
    const off: Ack<null> = await socket.timeout(5000).emitWithAck('host:unwatch', { hostId: host1Id });
    assert.ok(off.ok);
  });

  it('keeps maintenance across a hub restart', async () => {
    socket?.close();
    socket = null;
    await hub.stop();
    hub = await startHub({ dataDir: hubData.dir, env: HUB_ENV });
    admin = new CookieJar();
    const login = await hub.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar: admin });
    assert.equal(login.status, 200, login.text);
    const res = await hub.api(`/api/v1/hosts/${host1Id}`, { jar: admin });
    assert.equal(res.status, 200, res.text);
    assert.equal(HubHost.parse(res.json).maintenance, true);
    const other = HubHost.parse((await hub.api(`/api/v1/hosts/${host2Id}`, { jar: admin })).json);
    assert.equal(other.maintenance, false);
    socket = await openHubSocket(hub, admin);
    socket.on('host:changed', (c) => changes.push(c));
  });

  it('re-pairs a host whose certificate changed, keeping maintenance', async () => {
    await hub.api(`/api/v1/hosts/${host2Id}/maintenance`, {
      method: 'PUT',
      body: { maintenance: true },
      jar: admin,
    });
    const before = HubHost.parse((await hub.api(`/api/v1/hosts/${host2Id}`, { jar: admin })).json);
    // the host is reinstalled on the same address: same hostId, a new key
    const port = host2.port;
    await host2.stop();
    rmSync(join(host2Data.dir, 'tls'), { recursive: true, force: true });
    host2 = await startHost({ dataDir: host2Data.dir, port });
    const ping = await pingOf(host2);
    assert.equal(ping.hostId, host2Id);
    assert.notEqual(ping.spki, before.spki);

    const t = await mint(host2);
    const missing = await post(hub, admin, '/api/v1/hosts/00000000-0000-4000-8000-000000000000/repair', {
      target: t.join,
    });
    assert.equal(ErrorBody.parse(missing.json).error.code, 'HOST_NOT_FOUND');
    const res = await post(hub, admin, `/api/v1/hosts/${host2Id}/repair`, { target: t.join });
    assert.equal(res.status, 200, res.text);
    const after = HubHost.parse(res.json);
    assert.equal(after.hostId, host2Id);
    assert.equal(after.spki, ping.spki);
    assert.equal(after.maintenance, true, 're-pairing keeps maintenance');
    assert.deepEqual((await hostIds(hub, admin)).sort(), [host1Id, host2Id].sort());
    const events = await hubEvents(hub, admin, 'registration');
    assert.ok(events.some((e) => e.message.includes('re-paired') && e.message.includes(ping.spki)));
    await changeSeen(changes, (c) => c.hostId === host2Id && c.host?.spki === ping.spki);
  });

  it('removes a host: 204, gone from the list, recorded; a second remove is HOST_NOT_FOUND', async () => {
    const res = await hub.api(`/api/v1/hosts/${host1Id}`, { method: 'DELETE', jar: admin });
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(await hostIds(hub, admin), [host2Id]);
    const gone = await hub.api(`/api/v1/hosts/${host1Id}`, { jar: admin });
    assert.equal(ErrorBody.parse(gone.json).error.code, 'HOST_NOT_FOUND');
    const again = await hub.api(`/api/v1/hosts/${host1Id}`, { method: 'DELETE', jar: admin });
    assert.equal(again.status, 404);
    await changeSeen(changes, (c) => c.hostId === host1Id && c.host === null);
    const events = await hubEvents(hub, admin, 'registration');
    assert.ok(events.some((e) => e.message.includes('removed') && e.source === ADMIN.username));
    const state = HubState.parse(JSON.parse(readFileSync(join(hubData.dir, 'hub.json'), 'utf8')));
    assert.deepEqual(
      state.hosts.map((h) => h.hostId),
      [host2Id],
    );
  });

  it('a used token is TOKEN_EXPIRED, passed on from the host in the token phase', async () => {
    // host1 is no longer on the hub, so the used join string gets as far as the token check
    const res = await post(hub, admin, '/api/v1/hosts', { target: firstJoin });
    const message = assertRefused(res, 'TOKEN_EXPIRED', 'token', host1.url);
    assert.match(message, /already used/, "the host's own message");
    assert.deepEqual(await hostIds(hub, admin), [host2Id]);
  });

  it('every route needs a session', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/hosts'],
      ['POST', '/api/v1/hosts'],
      ['POST', '/api/v1/hosts/discover'],
      ['GET', `/api/v1/hosts/${host2Id}`],
      ['DELETE', `/api/v1/hosts/${host2Id}`],
    ] as const) {
      const res = await hub.api(path, { method, ...(method === 'POST' ? { body: { target: 'x' } } : {}) });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
    assert.deepEqual(await hostIds(hub, admin), [host2Id]);
  });
});

describe('hub host adoption against failing peers', () => {
  const hubData = tempDataDir('qx-hub-peers-');
  const hostData = tempDataDir('qx-host-real-');
  const shortData = tempDataDir('qx-host-ttl-');
  let hub: RunningHub;
  let admin: CookieJar;
  let host: RunningHost;
  let shortLived: RunningHost;
  let impostor: Awaited<ReturnType<typeof peerCertificate>>;
  const peers: Peer[] = [];
  const keep = <P extends Peer>(p: P): P => {
    peers.push(p);
    return p;
  };
  /** a well-formed token the failing peers are offered (it must never reach them) */
  const bogus = { token: 'abcdef.0123456789abcdef', secret: '0123456789abcdef' };

  before(async () => {
    impostor = await peerCertificate();
    [hub, host, shortLived] = await Promise.all([
      startHub({ dataDir: hubData.dir, env: HUB_ENV }),
      startHost({ dataDir: hostData.dir }),
      startHost({ dataDir: shortData.dir, env: { QUANTIX_TOKEN_TTL_SECONDS: '1' } }),
    ]);
    admin = await setupHubAdmin(hub);
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await Promise.all([hub.stop(), host.stop(), shortLived.stop()]);
    impostor.remove();
    hubData.remove();
    hostData.remove();
    shortData.remove();
  });

  const add = (target: string, token?: string) =>
    post(hub, admin, '/api/v1/hosts', token === undefined ? { target } : { target, token });

  it('a closed port is HOST_CONNECTION_FAILED in the connect phase', async () => {
    const { url } = await closedPort();
    assertRefused(await add(url, bogus.token), 'HOST_CONNECTION_FAILED', 'connect', url);
  });

  it('plain HTTP behind an https:// URL is TLS_ERROR in the connect phase', async () => {
    const peer = keep(await plainHttpPeer());
    const message = assertRefused(await add(peer.url, bogus.token), 'TLS_ERROR', 'connect', peer.url);
    assert.match(message, /plain HTTP/);
    assert.equal(peer.received(), '', 'no HTTP request reached it');
  });

  it('an HTTPS server answering the ping with HTML is HOST_FIRMWARE_OUTDATED', async () => {
    const peer = keep(
      await httpsPeer(impostor.cert, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>router login</body></html>');
      }),
    );
    assertRefused(await add(peer.url, bogus.token), 'HOST_FIRMWARE_OUTDATED', 'ping', peer.url);
    assert.match(peer.received(), /^GET \/api\/v1\/registration\/ping/);
  });

  it('JSON that is not a Quantix ping is HOST_FIRMWARE_OUTDATED too', async () => {
    const peer = keep(
      await httpsPeer(impostor.cert, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","service":"other"}');
      }),
    );
    assertRefused(await add(peer.url, bogus.token), 'HOST_FIRMWARE_OUTDATED', 'ping', peer.url);
  });

  it('an HTTPS server answering 500 is HOST_API_NOT_AVAILABLE', async () => {
    const peer = keep(
      await httpsPeer(impostor.cert, (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      }),
    );
    assertRefused(await add(peer.url, bogus.token), 'HOST_API_NOT_AVAILABLE', 'ping', peer.url);
  });

  it('a redirect is REDIRECT_NOT_ALLOWED, and its target is never contacted', async () => {
    const elsewhere = keep(
      await httpsPeer(impostor.cert, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }),
    );
    const peer = keep(
      await httpsPeer(impostor.cert, (req, res) => {
        res.writeHead(302, { location: `${elsewhere.url}${req.url}` }).end();
      }),
    );
    assertRefused(await add(peer.url, bogus.token), 'REDIRECT_NOT_ALLOWED', 'ping', peer.url);
    assert.equal(elsewhere.connections(), 0);
  });

  it('an answer over 1 MiB is INVALID_RESPONSE', async () => {
    const peer = keep(
      await httpsPeer(impostor.cert, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
      }),
    );
    assertRefused(await add(peer.url, bogus.token), 'INVALID_RESPONSE', 'ping', peer.url);
  });

  it('a server that accepts and never answers is CONNECTION_TIMEOUT (the setting: 2 s)', async () => {
    const tcp = keep(await silentTcpPeer());
    assertRefused(await add(tcp.url, bogus.token), 'CONNECTION_TIMEOUT', 'connect', tcp.url);
    assert.ok(tcp.connections() >= 1, 'the hub did connect');
    const tls = keep(await silentTlsPeer(impostor.cert));
    assertRefused(await add(tls.url, bogus.token), 'CONNECTION_TIMEOUT', 'ping', tls.url);
    assert.match(tls.received(), /^GET \/api\/v1\/registration\/ping/);
  });

  it('none of those peers was ever sent a token', () => {
    for (const p of peers) {
      assert.ok(!/authorization/i.test(p.received()), p.url);
      assert.ok(!p.received().includes(bogus.secret), p.url);
    }
  });

  it('a join string to a TLS proxy is refused on the handshake: the proxy saw no byte', async () => {
    const t = await mint(host);
    const proxy = keep(await tlsProxy(impostor.cert, host.port));
    const ping = await pingOf(host);
    // the join string names the host's key; DNS (or a network) sends the hub to the proxy
    const join = encodeJoin({ url: proxy.url, token: t.token, spki: ping.spki });
    const message = assertRefused(await add(join), 'HOST_IDENTITY_MISMATCH', 'identity', proxy.url);
    assert.ok(message.includes(impostor.cert.spki), message);
    assert.ok(proxy.connections() >= 1, 'the hub did reach the proxy');
    assert.equal(proxy.received(), '', 'not one byte of any request was written to it');
    assert.equal(await tokenState(host, t.token), 'valid');
  });

  it('URL + token through a TLS proxy is HOST_IDENTITY_MISMATCH; the proxy saw no secret, no credential', async () => {
    const t = await mint(host);
    const proxy = keep(await tlsProxy(impostor.cert, host.port));
    const message = assertRefused(
      await add(proxy.url, t.token),
      'HOST_IDENTITY_MISMATCH',
      'identity',
      proxy.url,
    );
    assert.match(message, /TLS proxy/);
    const seen = proxy.received();
    assert.ok(proxy.handshakes() >= 1);
    assert.match(seen, /POST \/api\/v1\/registration\/challenge/, 'the proxy relayed the challenge');
    assert.ok(seen.includes(t.tokenId), 'it saw the token id, which is public');
    assert.ok(!seen.includes(t.secret), 'never the token secret');
    assert.ok(!seen.includes('qxc.'), 'never a credential');
    assert.ok(!/authorization/i.test(seen));
    assert.equal(await tokenState(host, t.token), 'valid', 'the token is left for the real hub');
    const security = await hubEvents(hub, admin, 'security');
    assert.ok(security.some((e) => e.message.includes(proxy.url) && e.level === 'warning'));
  });

  it('a wrong secret fails the challenge (URL + token) and the token check (join string)', async () => {
    const t = await mint(host);
    const wrong = `${t.tokenId}.${t.secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}`;
    const byUrl = await add(host.url, wrong);
    const message = assertRefused(byUrl, 'HOST_IDENTITY_MISMATCH', 'identity', host.url);
    assert.match(message, /mistyped/);
    const ping = await pingOf(host);
    const join = encodeJoin({ url: host.url, token: wrong, spki: ping.spki });
    assertRefused(await add(join), 'TOKEN_INVALID', 'token', host.url);
    assert.equal(await tokenState(host, t.token), 'valid');
  });

  it('an expired token is TOKEN_EXPIRED from the host, in the token phase', async () => {
    const t = await mint(shortLived);
    for (let i = 0; i < 100 && (await tokenState(shortLived, t.token)) === 'valid'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const message = assertRefused(await add(t.join), 'TOKEN_EXPIRED', 'token', shortLived.url);
    assert.match(message, /expired/);
  });

  it('none of the failures added a host', async () => {
    assert.deepEqual(await hostIds(hub, admin), []);
    const discover = await post(hub, admin, '/api/v1/hosts/discover', { target: host.url });
    const message = assertRefused(discover, 'VALIDATION_FAILED', 'parse', host.url);
    assert.match(message, /token/, 'a URL without a token');
    const damaged = await post(hub, admin, '/api/v1/hosts', { target: 'qx1.abcdef.0123456789abcdef' });
    assertRefused(damaged, 'VALIDATION_FAILED', 'parse', 'qx1.…');
    assert.ok(!damaged.text.includes('0123456789abcdef'), 'a join string is never echoed');
    const http = await post(hub, admin, '/api/v1/hosts', {
      target: 'http://10.0.0.7:8443',
      token: bogus.token,
    });
    assertRefused(http, 'VALIDATION_FAILED', 'parse', 'http://10.0.0.7:8443');
  });

  it('two simultaneous adds of one host: one is added, the other HOST_ALREADY_REGISTERED', async () => {
    const t = await mint(host);
    const [a, b] = await Promise.all([add(t.join), add(t.join)]);
    const [won, lost] = a?.status === 201 ? [a, b] : [b, a];
    assert.ok(won && lost);
    assert.equal(won.status, 201, won.text);
    assertRefused(lost, 'HOST_ALREADY_REGISTERED', 'ping', host.url);
    const hostId = HubHost.parse(won.json).hostId;
    assert.deepEqual(await hostIds(hub, admin), [hostId]);
    // the one credential stored is the one the host holds
    const state = HubState.parse(JSON.parse(readFileSync(join(hubData.dir, 'hub.json'), 'utf8')));
    const key = Buffer.from(readFileSync(join(hubData.dir, 'secret.key'), 'utf8').trim(), 'base64');
    const credential = createSecretBox(key).open(state.hosts[0]?.credential ?? '', hostId);
    const res = await host.api('/api/v1/registration/discovery', {
      headers: { authorization: `Bearer ${credential}` },
    });
    assert.equal(res.status, 200, res.text);
  });
});

describe('a hub without the loopback setting', () => {
  const hubData = tempDataDir('qx-hub-noloop-');
  let hub: RunningHub;
  before(async () => {
    hub = await startHub({ dataDir: hubData.dir });
  });
  after(async () => {
    await hub.stop();
    hubData.remove();
  });

  it('refuses a loopback URL with ADDRESS_NOT_ALLOWED before connecting', async () => {
    const admin = await setupHubAdmin(hub);
    const peer = await silentTcpPeer();
    try {
      const res = await post(hub, admin, '/api/v1/hosts', {
        target: peer.url,
        token: 'abcdef.0123456789abcdef',
      });
      const message = assertRefused(res, 'ADDRESS_NOT_ALLOWED', 'resolve', peer.url);
      assert.match(message, /loopback/);
      const join = encodeJoin({
        url: peer.url,
        token: 'abcdef.0123456789abcdef',
        spki: `sha256:${'ab'.repeat(32)}`,
      });
      assertRefused(
        await post(hub, admin, '/api/v1/hosts/discover', { target: join }),
        'ADDRESS_NOT_ALLOWED',
        'resolve',
        peer.url,
      );
      assert.equal(peer.connections(), 0, 'the hub never connected');
    } finally {
      await peer.close();
    }
  });
});
