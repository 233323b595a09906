import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, EventsState, HubInfo, HubState, SessionInfo } from '@quantix/shared';
import { controlRequest } from '@quantix/shared/server';
import {
  ADMIN,
  HUB_CLI,
  type RunningHub,
  runHubCli,
  setupHubAdmin,
  startHub,
  tempDataDir,
} from '../support/hub-process.ts';
import { CookieJar } from '../support/https-client.ts';
import { loginStatus, serveAgain } from '../support/server-process.ts';
import { connected, openSocket } from '../support/socket-client.ts';
import { rawRequest } from './raw-http.ts';

const errorCode = (json: unknown) => ErrorBody.parse(json).error.code;

describe('quantix-hub: setup, auth and the HTTP surface', () => {
  const data = tempDataDir('qx-hub-');
  let hub: RunningHub;
  const admin = new CookieJar();
  before(async () => {
    hub = await startHub({ dataDir: data.dir, args: ['--public-url', 'https://hub.example.test:9443'] });
  });
  after(async () => {
    await hub.stop();
    data.remove();
  });

  it('prints the URL, hub id, fingerprint and a setup code on start', () => {
    const out = hub.output();
    assert.match(out, /Quantix hub/);
    assert.match(out, /URL: +https:\/\/hub\.example\.test:9443/);
    assert.match(out, /Hub ID: +[0-9a-f-]{36}/);
    assert.match(out, /Fingerprint: +sha256:[0-9a-f]{64}/);
    assert.match(out, /Setup code: +[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  });

  it('before setup, only setup works', async () => {
    assert.deepEqual((await hub.api('/api/v1/setup/status')).json, { setupRequired: true });
    const info = await hub.api('/api/v1/hub');
    assert.equal(info.status, 403);
    assert.equal(errorCode(info.json), 'SETUP_REQUIRED');
  });

  it('creates the admin with the console code and a hardened session cookie', async () => {
    const cli = await runHubCli(['setup-code', '--data', hub.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const code = cli.stdout.split('\n')[0] ?? '';
    assert.ok(hub.output().includes(code), 'the CLI returns the code the console printed');
    const wrong = await hub.api('/api/v1/setup', {
      method: 'POST',
      body: { ...ADMIN, code: 'AAAA-BBBB-CCCC' },
    });
    assert.equal(errorCode(wrong.json), 'SETUP_CODE_INVALID');
    const res = await hub.api('/api/v1/setup', { method: 'POST', body: { code, ...ADMIN }, jar: admin });
    assert.equal(res.status, 201, res.text);
    assert.equal(SessionInfo.parse(res.json).username, 'admin');
    // the kit's session cookie: a __Host- name, HttpOnly, Secure, SameSite=Strict, no Domain
    assert.match(res.headers['set-cookie']?.[0] ?? '', /^__Host-qx_session=[A-Za-z0-9_-]{43};/);
    const attrs = (res.headers['set-cookie']?.[0] ?? '').split(/;\s*/).slice(1);
    assert.deepEqual(
      ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/'].filter((a) => !attrs.includes(a)),
      [],
      attrs.join('; '),
    );
    assert.ok(!attrs.some((a) => /^Domain=/i.test(a)));
    const again = await hub.api('/api/v1/setup', { method: 'POST', body: { code, ...ADMIN } });
    assert.equal(errorCode(again.json), 'SETUP_DONE');
    const cliAfter = await runHubCli(['setup-code', '--data', hub.dataDir]);
    assert.notEqual(cliAfter.code, 0);
    assert.match(cliAfter.stderr, /SETUP_DONE/);
  });

  it('GET /api/v1/hub answers a session with the hub id, fingerprint, version and public URL', async () => {
    assert.equal(errorCode((await hub.api('/api/v1/hub')).json), 'UNAUTHENTICATED');
    const res = await hub.api('/api/v1/hub', { jar: admin });
    assert.equal(res.status, 200, res.text);
    const info = HubInfo.parse(res.json);
    const state = HubState.parse(JSON.parse(readFileSync(join(data.dir, 'hub.json'), 'utf8')));
    assert.equal(info.hubId, state.hubId);
    assert.ok(hub.output().includes(info.spki));
    assert.equal(info.publicUrl, 'https://hub.example.test:9443');
  });

  it('logs in with the password; a wrong one is refused', async () => {
    const bad = await hub.api('/api/v1/auth/login', {
      method: 'POST',
      body: { ...ADMIN, password: 'wrong password!' },
    });
    assert.equal(bad.status, 401);
    const jar = new CookieJar();
    const ok = await hub.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await hub.api('/api/v1/events', { jar })).status, 200);
  });

  it('an unknown /api route is a JSON 404, also in other spellings', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api/v1/hub/x/y',
      '/api/v2/hub',
      '/api/',
      '//api/v1/nope',
      '/./api/v1/nope',
    ]) {
      const res = await rawRequest(hub, path, { headers: { cookie: admin.header() } });
      assert.match(String(res.headers['content-type']), /application\/json/, path);
      assert.ok(!res.text.includes('<html'), path);
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
    }
    assert.equal((await hub.api('/api/v1/nope', { jar: admin })).status, 404);
  });

  it('answers only to its own names: a foreign Host is 421, the --public-url name is accepted', async () => {
    const foreign = await rawRequest(hub, '/api/v1/setup/status', { headers: { host: 'evil.example:443' } });
    assert.equal(foreign.status, 421);
    assert.equal(errorCode(foreign.json), 'HOST_NOT_ALLOWED');
    const named = await rawRequest(hub, '/api/v1/setup/status', {
      headers: { host: 'hub.example.test:9443' },
    });
    assert.equal(named.status, 200);
  });

  it('refuses a cross-origin write and sends a strict CSP', async () => {
    const cross = await hub.api('/api/v1/auth/logout', {
      method: 'POST',
      jar: admin,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(cross.status, 403);
    assert.equal(errorCode(cross.json), 'ORIGIN_FORBIDDEN');
    const res = await hub.api('/api/v1/setup/status');
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"])
      assert.ok(csp.includes(d), d);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('socket.io needs our origin and a session, then streams the event log', async () => {
    const s = openSocket(hub, admin);
    try {
      await connected(s);
      const ack = await s.timeout(5000).emitWithAck('events:subscribe', { limit: 5 });
      assert.ok(ack.ok);
    } finally {
      s.close();
    }
    const anonymous = openSocket(hub, new CookieJar());
    await assert.rejects(connected(anonymous));
    anonymous.close();
  });

  it('passwd from the CLI changes the password and ends the sessions', async () => {
    const cli = await runHubCli(
      ['passwd', '--data', hub.dataDir, '--user', 'admin'],
      'another long password\n',
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((await hub.api('/api/v1/hub', { jar: admin })).status, 401);
    assert.equal(await loginStatus(hub, ADMIN.password), 401);
    assert.equal(await loginStatus(hub, 'another long password'), 200);
  });
});

describe('quantix-hub: the data directory', () => {
  const data = tempDataDir('qx-hub-');
  after(() => data.remove());

  it('a second process on the same data directory exits with STATE_LOCKED', async () => {
    const running = await startHub({ dataDir: data.dir });
    try {
      const result = await serveAgain(HUB_CLI, data.dir);
      assert.notEqual(result.code, 0);
      assert.match(result.err, /STATE_LOCKED/);
      assert.equal((await running.api('/api/v1/setup/status')).status, 200, 'the owner keeps running');
    } finally {
      await running.stop();
    }
  });

  it('kill -9 in the middle of writes keeps the admin and the last acknowledged password', async () => {
    const first = await startHub({ dataDir: data.dir });
    await setupHubAdmin(first);
    await first.stop();
    let acknowledged = ADMIN.password;
    let acknowledgedCount = 0;
    for (let round = 0; round < 3; round++) {
      const hub = await startHub({ dataDir: data.dir });
      // one password change after another over the control socket, each acknowledged once on disk
      let stop = false;
      let inFlight: string | null = null;
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          const password = `password ${round}-${i} long enough`;
          inFlight = password;
          const ok = await controlRequest(
            join(data.dir, 'control.sock'),
            { cmd: 'passwd', username: 'admin', password },
            'quantix-hub',
          ).then(
            () => true,
            () => false,
          );
          if (ok) {
            acknowledged = password;
            acknowledgedCount++;
          }
        }
      })();
      // at least one change acknowledged in this round (a loaded machine hashes slowly), then
      // the kill lands somewhere inside a later one
      const before = acknowledgedCount;
      const deadline = Date.now() + 30_000;
      while (acknowledgedCount === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100 + round * 150));
      stop = true;
      const candidate = inFlight;
      await hub.kill9();
      await writer;

      const state = HubState.parse(JSON.parse(readFileSync(join(data.dir, 'hub.json'), 'utf8')));
      EventsState.parse(JSON.parse(readFileSync(join(data.dir, 'events.json'), 'utf8')));
      assert.deepEqual(
        state.users.map((u) => u.username),
        ['admin'],
      );
      const again = await startHub({ dataDir: data.dir });
      try {
        const login = async (password: string | null) =>
          password === null
            ? 0
            : (
                await again.api('/api/v1/auth/login', {
                  method: 'POST',
                  body: { username: 'admin', password },
                })
              ).status;
        // the last acknowledged password, or the one being written when the process died
        const statuses = [await login(acknowledged), await login(candidate)];
        assert.ok(statuses.includes(200), `round ${round}: ${statuses.join(', ')}`);
      } finally {
        await again.stop();
      }
    }
    assert.ok(
      acknowledgedCount >= 3,
      `enough writes were acknowledged to mean something (${acknowledgedCount})`,
    );
  });
});
