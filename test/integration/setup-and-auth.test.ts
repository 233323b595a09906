import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, SessionInfo } from '@quantix/shared';
import { ADMIN, runCli, type RunningHost, startHost, tempDataDir } from '../support/host-process.ts';
import { CookieJar } from '../support/https-client.ts';

const errorCode = (json: unknown) => ErrorBody.parse(json).error.code;

describe('first-run setup, login and sessions', () => {
  const data = tempDataDir();
  let host: RunningHost;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('prints the URL, fingerprint and a setup code on start', () => {
    const out = host.output();
    assert.match(out, /URL: +https:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /Fingerprint: +sha256:[0-9a-f]{64}/);
    assert.match(out, /Setup code: +[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
  });

  it('before setup, only setup works', async () => {
    const status = await host.api('/api/v1/setup/status');
    assert.deepEqual(status.json, { setupRequired: true });
    const hostInfo = await host.api('/api/v1/host');
    assert.equal(hostInfo.status, 403);
    assert.equal(errorCode(hostInfo.json), 'SETUP_REQUIRED');
    const login = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN });
    assert.equal(errorCode(login.json), 'SETUP_REQUIRED');
  });

  it('refuses a wrong setup code and bad input without creating anyone', async () => {
    const wrong = await host.api('/api/v1/setup', {
      method: 'POST',
      body: { code: 'AAAA-BBBB-CCCC', ...ADMIN },
    });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong.json), 'SETUP_CODE_INVALID');
    const weak = await host.api('/api/v1/setup', {
      method: 'POST',
      body: { code: 'x', username: 'admin', password: 'short' },
    });
    assert.equal(weak.status, 400);
    assert.equal(errorCode(weak.json), 'VALIDATION_FAILED');
    assert.deepEqual((await host.api('/api/v1/setup/status')).json, { setupRequired: true });
  });

  let firstCookie = '';
  it('creates the admin with the console code, sets a hardened session cookie', async () => {
    const cli = await runCli(['setup-code', '--data', host.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const code = cli.stdout.split('\n')[0] ?? '';
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.ok(host.output().includes(code), 'the CLI returns the code the console printed');
    const jar = new CookieJar();
    const res = await host.api('/api/v1/setup', { method: 'POST', body: { code, ...ADMIN }, jar });
    assert.equal(res.status, 201, res.text);
    assert.equal(SessionInfo.parse(res.json).username, 'admin');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^__Host-qx_session=[A-Za-z0-9_-]{43};/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/'])
      assert.ok(setCookie.includes(attr), attr);
    assert.ok(!/Domain=/i.test(setCookie));
    firstCookie = jar.header();
    const me = await host.api('/api/v1/auth/session', { jar });
    assert.equal(me.status, 200);

    const again = await host.api('/api/v1/setup', { method: 'POST', body: { code, ...ADMIN } });
    assert.equal(again.status, 409);
    assert.equal(errorCode(again.json), 'SETUP_DONE');
    const cliAfter = await runCli(['setup-code', '--data', host.dataDir]);
    assert.notEqual(cliAfter.code, 0);
    assert.match(cliAfter.stderr, /SETUP_DONE/);
  });

  it('logs in with a fresh session id each time and logs out for real', async () => {
    const bad = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { ...ADMIN, password: 'wrong password!' },
    });
    assert.equal(bad.status, 401);
    assert.equal(errorCode(bad.json), 'INVALID_CREDENTIALS');
    const unknown = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'nobody', password: 'x' },
    });
    assert.equal(
      errorCode(unknown.json),
      'INVALID_CREDENTIALS',
      'an unknown user looks like a wrong password',
    );

    const jar = new CookieJar();
    const ok = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
    assert.equal(ok.status, 200);
    assert.notEqual(jar.header(), firstCookie, 'login rotates the session id');
    assert.equal((await host.api('/api/v1/host', { jar })).status, 200);

    const out = await host.api('/api/v1/auth/logout', {
      method: 'POST',
      jar: new CookieJar(),
      headers: { cookie: jar.header() },
    });
    assert.equal(out.status, 204);
    const after = await host.api('/api/v1/host', { headers: { cookie: jar.header() } });
    assert.equal(after.status, 401);
    assert.equal(errorCode(after.json), 'UNAUTHENTICATED');
  });

  it('rate-limits failed logins with 429 and Retry-After', async () => {
    const body = { username: 'mallory', password: 'guess guess guess' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await host.api('/api/v1/auth/login', { method: 'POST', body })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const limited = await host.api('/api/v1/auth/login', { method: 'POST', body });
    assert.equal(limited.status, 429);
    assert.equal(errorCode(limited.json), 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After is set');
    // another user from the same address is not locked out by mallory's failures
    const admin = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN });
    assert.equal(admin.status, 200);
  });

  it("passwd from the console changes the password and ends that user's sessions", async () => {
    const jar = new CookieJar();
    await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
    const res = await runCli(
      ['passwd', '--data', host.dataDir, '--user', 'admin'],
      'a brand new passphrase\n',
    );
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await host.api('/api/v1/host', { jar })).status, 401);
    const old = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN });
    assert.equal(old.status, 401);
    const fresh = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'a brand new passphrase' },
    });
    assert.equal(fresh.status, 200);
    const nobody = await runCli(['passwd', '--data', host.dataDir, '--user', 'ghost'], 'whatever whatever\n');
    assert.notEqual(nobody.code, 0);
    assert.match(nobody.stderr, /USER_NOT_FOUND/);
  });

  it('records setup, logins and failures as security events', async () => {
    const jar = new CookieJar();
    await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'a brand new passphrase' },
      jar,
    });
    const res = await host.api('/api/v1/events?category=security&limit=100', { jar });
    assert.equal(res.status, 200);
    const messages = (res.json as { events: Array<{ message: string }> }).events.map((e) => e.message);
    assert.ok(messages.some((m) => m.includes('Initial setup completed')));
    assert.ok(messages.some((m) => m.includes('Failed login for "mallory"')));
    assert.ok(messages.some((m) => m.includes('logged in')));
    assert.ok(messages.some((m) => m.includes('Password of "admin" was changed')));
  });
});
