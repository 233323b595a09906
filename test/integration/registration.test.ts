import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ChallengeResponse,
  CompleteResponse,
  challengeMessage,
  DiscoveryReport,
  decodeJoin,
  ErrorBody,
  MintedToken,
  PingResponse,
  TokenValidation,
} from '@quantix/shared';
import { runCli, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const hub = () => ({
  hubId: randomUUID(),
  hubName: 'hub-1',
  hubUrl: 'https://hub.example.test:9443',
  hubSpki: `sha256:${'ab'.repeat(32)}`,
});

describe('registration endpoints a hub calls', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });
  const mint = async () => {
    const res = await host.api('/api/v1/registration/tokens', { method: 'POST', jar: admin });
    assert.equal(res.status, 201, res.text);
    return MintedToken.parse(res.json);
  };

  it('ping answers without auth, with identity and the SPKI of the certificate actually served', async () => {
    const res = await host.api('/api/v1/registration/ping');
    assert.equal(res.status, 200);
    const ping = PingResponse.parse(res.json);
    assert.equal(ping.enrolled, false);
    assert.equal(ping.apiVersion, 'v1');
    const { spkiFingerprint } = await import('@quantix/shared/server');
    assert.equal(ping.spki, spkiFingerprint(host.ca));
  });

  it('only an admin mints tokens; the join string bundles URL, token and SPKI', async () => {
    const anon = await host.api('/api/v1/registration/tokens', { method: 'POST' });
    assert.equal(anon.status, 401);
    const t = await mint();
    assert.match(t.token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const join = decodeJoin(t.join);
    assert.ok(join);
    assert.equal(join.token, t.token);
    assert.equal(join.url, host.url);
    assert.equal(join.spki, PingResponse.parse((await host.api('/api/v1/registration/ping')).json).spki);
    const current = await host.api('/api/v1/registration/tokens/current', { jar: admin });
    assert.equal((current.json as { current: { tokenId: string } }).current.tokenId, t.tokenId);
    const log = host.output();
    assert.ok(!log.includes(t.token.split('.')[1] ?? '-'), 'the secret is never printed by the server');
  });

  it('token validation answers each failure with its own code', async () => {
    const t = await mint();
    const [id, secret] = t.token.split('.') as [string, string];
    const check = (headers: Record<string, string>) => host.api('/api/v1/registration/token', { headers });
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'TOKEN_MISSING'],
      [{ authorization: 'Bearer ' }, 'TOKEN_MISSING'],
      [{ authorization: 'Basic Zm9vOmJhcg==' }, 'TOKEN_MISSING'],
      [bearer('not-a-token'), 'TOKEN_INVALID'],
      [bearer(`zzzzzz.${secret}`), 'TOKEN_INVALID'],
      [bearer(`${id}.${'0'.repeat(16)}`), 'TOKEN_INVALID'],
    ];
    for (const [headers, expected] of cases) {
      const res = await check(headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(code(res.json), expected, JSON.stringify(headers));
    }
    const ok = await check(bearer(t.token));
    assert.equal(ok.status, 200);
    const v = TokenValidation.parse(ok.json);
    assert.equal(v.tokenId, id);
    assert.equal(v.expiresAt, t.expiresAt);

    const newer = await mint();
    const superseded = await check(bearer(t.token));
    assert.equal(code(superseded.json), 'TOKEN_EXPIRED', 'a superseded token is expired, not invalid');
    assert.equal((await check(bearer(newer.token))).status, 200);
  });

  it('challenge proves the host knows the secret, before the hub sends it', async () => {
    const t = await mint();
    const [tokenId, secret] = t.token.split('.') as [string, string];
    const nonce = randomBytes(32).toString('base64url');
    const res = await host.api('/api/v1/registration/challenge', {
      method: 'POST',
      body: { tokenId, nonce },
    });
    assert.equal(res.status, 200, res.text);
    const c = ChallengeResponse.parse(res.json);
    const expected = createHmac('sha256', secret)
      .update(challengeMessage({ nonce, tokenId, hostId: c.hostId, spki: c.spki }))
      .digest('hex');
    assert.equal(c.proof, expected);
    const wrongKey = createHmac('sha256', 'x'.repeat(16))
      .update(challengeMessage({ nonce, tokenId, hostId: c.hostId, spki: c.spki }))
      .digest('hex');
    assert.notEqual(c.proof, wrongKey);
    const unknown = await host.api('/api/v1/registration/challenge', {
      method: 'POST',
      body: { tokenId: 'zzzzzz', nonce },
    });
    assert.equal(code(unknown.json), 'TOKEN_INVALID');
    const badNonce = await host.api('/api/v1/registration/challenge', {
      method: 'POST',
      body: { tokenId, nonce: 'short' },
    });
    assert.equal(badNonce.status, 400);
  });

  it('discovery returns the hardware inventory to a token holder only', async () => {
    const t = await mint();
    const anon = await host.api('/api/v1/registration/discovery');
    assert.equal(code(anon.json), 'TOKEN_MISSING');
    const res = await host.api('/api/v1/registration/discovery', { headers: bearer(t.token) });
    assert.equal(res.status, 200, res.text);
    const report = DiscoveryReport.parse(res.json);
    assert.ok(report.cpu.threads > 0);
    assert.ok(report.memory.total > 0);
    assert.ok(report.networkInterfaces.length > 0);
  });

  it('complete consumes the token and issues a hub credential that can be revoked', async () => {
    const t = await mint();
    const badBody = await host.api('/api/v1/registration/complete', {
      method: 'POST',
      headers: bearer(t.token),
      body: { ...hub(), hubUrl: 'http://plain.example' },
    });
    assert.equal(badBody.status, 400, 'a hub URL must be https');
    const h = hub();
    const res = await host.api('/api/v1/registration/complete', {
      method: 'POST',
      headers: bearer(t.token),
      body: h,
    });
    assert.equal(res.status, 200, res.text);
    const done = CompleteResponse.parse(res.json);
    assert.match(done.credential, /^qxc\.[a-z0-9]{8}\.[A-Za-z0-9_-]{32}$/);

    const reuse = await host.api('/api/v1/registration/token', { headers: bearer(t.token) });
    assert.equal(code(reuse.json), 'TOKEN_EXPIRED', 'a used token is expired');
    const again = await host.api('/api/v1/registration/complete', {
      method: 'POST',
      headers: bearer(t.token),
      body: hub(),
    });
    assert.equal(code(again.json), 'TOKEN_EXPIRED');

    assert.equal(PingResponse.parse((await host.api('/api/v1/registration/ping')).json).enrolled, true);
    const withCred = await host.api('/api/v1/host', { headers: bearer(done.credential) });
    assert.equal(withCred.status, 200, 'the credential authenticates the hub');
    const discovery = await host.api('/api/v1/registration/discovery', { headers: bearer(done.credential) });
    assert.equal(discovery.status, 200);

    const hubs = await host.api('/api/v1/registration/hubs', { jar: admin });
    const list = (hubs.json as { hubs: Array<{ hubId: string; hubName: string }> }).hubs;
    assert.deepEqual(
      list.map((x) => x.hubId),
      [h.hubId],
    );
    const hostJson = await import('node:fs').then((fs) =>
      fs.readFileSync(`${host.dataDir}/host.json`, 'utf8'),
    );
    assert.ok(
      !hostJson.includes(done.credential.split('.')[2] ?? '-'),
      'only a hash of the credential is stored',
    );

    const revoke = await host.api(`/api/v1/registration/hubs/${h.hubId}`, { method: 'DELETE', jar: admin });
    assert.equal(revoke.status, 204);
    assert.equal((await host.api('/api/v1/host', { headers: bearer(done.credential) })).status, 401);
    const missing = await host.api(`/api/v1/registration/hubs/${h.hubId}`, { method: 'DELETE', jar: admin });
    assert.equal(code(missing.json), 'HUB_NOT_FOUND');
    assert.equal(PingResponse.parse((await host.api('/api/v1/registration/ping')).json).enrolled, false);
  });

  it('the console CLI mints a token too', async () => {
    const cli = await runCli(['token', '--data', host.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const token = /token: +([a-z0-9]{6}\.[a-z0-9]{16})/.exec(cli.stdout)?.[1];
    assert.ok(token);
    assert.match(cli.stdout, /join: +qx1\./);
    assert.equal((await host.api('/api/v1/registration/token', { headers: bearer(token) })).status, 200);
  });

  it('the control socket runs one command per connection, whatever follows it', async () => {
    const { createConnection } = await import('node:net');
    const before = (await host.api('/api/v1/events?category=registration&limit=200', { jar: admin }))
      .json as {
      events: unknown[];
    };
    const reply = await new Promise<string>((resolve, reject) => {
      const c = createConnection(`${host.dataDir}/control.sock`);
      let out = '';
      c.on('connect', () => {
        c.write('{"cmd":"token"}\n');
        setTimeout(() => c.write(' \n{"cmd":"token"}\n'), 5);
      });
      c.on('data', (d: Buffer) => (out += d.toString()));
      c.on('end', () => resolve(out));
      c.on('error', reject);
    });
    assert.match(reply, /"ok":true/);
    const minted = async () =>
      (
        (await host.api('/api/v1/events?category=registration&limit=200', { jar: admin })).json as {
          events: unknown[];
        }
      ).events.length - before.events.length;
    for (let i = 0; i < 300 && (await minted()) < 1; i++) await new Promise((r) => setTimeout(r, 100));
    // a second mint would have been recorded by now too: the first is, and they would be in order
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await minted(), 1, 'exactly one token was minted');
  });

  it('records registration events with the token id, never the secret', async () => {
    const res = await host.api('/api/v1/events?category=registration&limit=50', { jar: admin });
    const events = (res.json as { events: Array<{ message: string }> }).events;
    assert.ok(events.some((e) => /Registration token [a-z0-9]{6} created/.test(e.message)));
    assert.ok(events.some((e) => e.message.includes('Adopted by hub "hub-1"')));
    assert.ok(events.some((e) => e.message.includes('revoked')));
    assert.ok(!JSON.stringify(events).match(/[a-z0-9]{6}\.[a-z0-9]{16}/), 'no full token in events');
  });

  it('rate-limits token checks with 429', async () => {
    let limited = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await host.api('/api/v1/registration/token', {
        headers: bearer('aaaaaa.bbbbbbbbbbbbbbbb'),
      });
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'a 429 within 40 attempts');
    assert.equal(code(limited.json), 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });
});

describe('registration token expiry', () => {
  const data = tempDataDir();
  let host: RunningHost;
  before(async () => {
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_TOKEN_TTL_SECONDS: '1' } });
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('an expired token is TOKEN_EXPIRED for validation, challenge and complete', async () => {
    const admin = await setupAdmin(host);
    const t = MintedToken.parse(
      (await host.api('/api/v1/registration/tokens', { method: 'POST', jar: admin })).json,
    );
    // valid while its second lasts (the valid path itself is tested above, with the default TTL):
    // checked only when the answer came well before the expiry, as a busy machine may be slower
    const valid = await host.api('/api/v1/registration/token', { headers: bearer(t.token) });
    if (Date.now() < Date.parse(t.expiresAt) - 300) assert.equal(valid.status, 200, valid.text);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(t.expiresAt) - Date.now()) + 200));
    const res = await host.api('/api/v1/registration/token', { headers: bearer(t.token) });
    assert.equal(code(res.json), 'TOKEN_EXPIRED');
    const c = await host.api('/api/v1/registration/challenge', {
      method: 'POST',
      body: { tokenId: t.tokenId, nonce: randomBytes(24).toString('base64url') },
    });
    assert.equal(code(c.json), 'TOKEN_EXPIRED');
    const done = await host.api('/api/v1/registration/complete', {
      method: 'POST',
      headers: bearer(t.token),
      body: hub(),
    });
    assert.equal(code(done.json), 'TOKEN_EXPIRED');
    const current = await host.api('/api/v1/registration/tokens/current', { jar: admin });
    assert.deepEqual(current.json, { current: null });
  });
});
