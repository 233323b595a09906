import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AppError,
  type CompleteRequest,
  challengeMessage,
  decodeJoin,
  type ErrorCode,
  EventsState,
  HostState,
  type MintedToken,
} from '@quantix/shared';
import { createEventStore, initialEventsState, openJsonStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { createRegistrationService, type HostIdentity } from './registration.service.ts';
import { sha256Hex } from './token-codec.ts';

const TTL_MS = 60 * 60_000;
const identity: HostIdentity = {
  hostId: '0b6f0d4e-3c1a-4a6e-9f3e-2d1c0b9a8f7e',
  hostname: 'qx-node1',
  spki: `sha256:${'ab'.repeat(32)}`,
  url: () => 'https://192.0.2.10:8443',
};

const root = tempRoot('qx-registration-');

async function setup() {
  const dir = await root.fresh('host-');
  const clock = { t: Date.parse('2026-03-01T12:00:00.000Z') };
  const stateFile = join(dir, 'state.json');
  const state = await openJsonStore<HostState>({
    file: stateFile,
    schema: HostState,
    initial: () => ({
      schema: 1,
      hostId: identity.hostId,
      createdAt: new Date(clock.t).toISOString(),
      users: [],
      tokens: [],
      hubs: [],
    }),
  });
  const eventsStore = await openJsonStore<EventsState>({
    file: join(dir, 'events.json'),
    schema: EventsState,
    initial: initialEventsState,
  });
  const events = createEventStore({ store: eventsStore, now: () => new Date(clock.t) });
  const svc = createRegistrationService({ state, events, identity, tokenTtlMs: TTL_MS, now: () => clock.t });
  const registrationEvents = () => events.query({ limit: 1000, category: 'registration' });
  return { clock, state, stateFile, svc, registrationEvents };
}

const hubRequest = (over: Partial<CompleteRequest> = {}): CompleteRequest => ({
  hubId: randomUUID(),
  hubName: 'Main hub',
  hubUrl: 'https://hub.example:443',
  hubSpki: `sha256:${'cd'.repeat(32)}`,
  ...over,
});

/** Runs `fn` and returns the AppError code it throws. */
function codeOf(fn: () => unknown): ErrorCode {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected an AppError');
}

async function codeOfAsync(p: Promise<unknown>): Promise<ErrorCode> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected an AppError');
}

const bearer = (token: string) => `Bearer ${token}`;

describe('registration service: tokens', () => {
  it('mints a token with a join string, persists it and records an event', async () => {
    const { svc, clock, state, stateFile, registrationEvents } = await setup();
    assert.equal(svc.current(), null);
    const m = await svc.mint('admin');

    assert.match(m.token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    assert.equal(m.tokenId, m.token.slice(0, 6));
    assert.equal(m.expiresAt, new Date(clock.t + TTL_MS).toISOString());
    assert.deepEqual(decodeJoin(m.join), { v: 1, url: identity.url(), token: m.token, spki: identity.spki });
    assert.deepEqual(svc.current(), m);

    const disk = HostState.parse(JSON.parse(await readFile(stateFile, 'utf8')));
    assert.deepEqual(disk.tokens, state.data.tokens);
    assert.equal(disk.tokens[0]?.state, 'active');
    assert.equal(disk.tokens[0]?.createdBy, 'admin');

    const [ev] = registrationEvents();
    assert.equal(ev?.source, 'admin');
    assert.deepEqual(ev?.details, { tokenId: m.tokenId });
  });

  it('supersedes the previous token on mint', async () => {
    const { svc, state } = await setup();
    const first = await svc.mint('admin');
    const second = await svc.mint('admin');
    assert.notEqual(second.tokenId, first.tokenId);
    assert.deepEqual(
      state.data.tokens.map((t) => t.state),
      ['superseded', 'active'],
    );
    assert.equal(svc.current()?.tokenId, second.tokenId);
    assert.equal(
      codeOf(() => svc.validate(bearer(first.token))),
      'TOKEN_EXPIRED',
    );
    assert.throws(() => svc.validate(bearer(first.token)), /replaced by a newer token/);
    assert.equal(svc.validate(bearer(second.token)).tokenId, second.tokenId);
  });

  it('validates a live token', async () => {
    const { svc } = await setup();
    const m = await svc.mint('admin');
    assert.deepEqual(svc.validate(bearer(m.token)), {
      valid: true,
      tokenId: m.tokenId,
      hostname: identity.hostname,
      expiresAt: m.expiresAt,
    });
    assert.equal(svc.validate(`bearer   ${m.token}  `).tokenId, m.tokenId);
  });

  it('answers TOKEN_MISSING when there is no bearer token', async () => {
    const { svc } = await setup();
    await svc.mint('admin');
    for (const h of [undefined, '', '   ', 'Bearer', 'Bearer    ', 'Basic YWRtaW46cGFzcw==']) {
      assert.equal(
        codeOf(() => svc.validate(h)),
        'TOKEN_MISSING',
        String(h),
      );
    }
  });

  it('answers TOKEN_INVALID for malformed, unknown and wrong-secret tokens', async () => {
    const { svc } = await setup();
    const m = await svc.mint('admin');
    const secret = m.token.slice(7);
    const otherSecret = secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    for (const raw of [
      'nonsense',
      m.token.toUpperCase(),
      `zzzzzz.${secret}`,
      `${m.tokenId}.${otherSecret}`,
    ]) {
      assert.equal(
        codeOf(() => svc.validate(bearer(raw))),
        'TOKEN_INVALID',
        raw,
      );
    }
  });

  it('answers TOKEN_EXPIRED once the clock passes expiresAt', async () => {
    const { svc, clock } = await setup();
    const m = await svc.mint('admin');
    clock.t += TTL_MS - 1;
    assert.equal(svc.validate(bearer(m.token)).valid, true);
    clock.t += 1;
    assert.equal(
      codeOf(() => svc.validate(bearer(m.token))),
      'TOKEN_EXPIRED',
    );
    assert.throws(() => svc.validate(bearer(m.token)), /expired/);
    assert.equal(svc.current(), null);
  });

  it('keeps at most 20 tokens, so very old ones become unknown', async () => {
    const { svc, state, stateFile } = await setup();
    const minted: MintedToken[] = [];
    for (let i = 0; i < 25; i++) minted.push(await svc.mint('admin'));
    assert.equal(state.data.tokens.length, 20);
    assert.deepEqual(
      state.data.tokens.map((t) => t.id),
      minted.slice(5).map((m) => m.tokenId),
    );
    assert.equal(HostState.parse(JSON.parse(await readFile(stateFile, 'utf8'))).tokens.length, 20);
    assert.equal(
      codeOf(() => svc.validate(bearer(minted[4]?.token ?? ''))),
      'TOKEN_INVALID',
    );
    assert.equal(
      codeOf(() => svc.validate(bearer(minted[5]?.token ?? ''))),
      'TOKEN_EXPIRED',
    );
    assert.equal(svc.validate(bearer(minted[24]?.token ?? '')).valid, true);
  });
});

describe('registration service: challenge', () => {
  it('proves knowledge of the token secret with an HMAC over the shared challenge message', async () => {
    const { svc } = await setup();
    const m = await svc.mint('admin');
    const nonce = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const r = svc.challenge(m.tokenId, nonce);
    const secret = m.token.split('.')[1] ?? '';
    const message = challengeMessage({
      nonce,
      tokenId: m.tokenId,
      hostId: identity.hostId,
      spki: identity.spki,
    });
    assert.deepEqual(r, {
      hostId: identity.hostId,
      spki: identity.spki,
      expiresAt: m.expiresAt,
      proof: createHmac('sha256', secret).update(message).digest('hex'),
    });
  });

  it('refuses unknown and dead tokens', async () => {
    const { svc, clock } = await setup();
    const m = await svc.mint('admin');
    assert.equal(
      codeOf(() => svc.challenge('zzzzzz', 'n'.repeat(22))),
      'TOKEN_INVALID',
    );
    clock.t += TTL_MS;
    assert.equal(
      codeOf(() => svc.challenge(m.tokenId, 'n'.repeat(22))),
      'TOKEN_EXPIRED',
    );
  });
});

describe('registration service: adoption', () => {
  it('consumes the token and stores only a hash of the hub credential', async () => {
    const { svc, state, stateFile, clock, registrationEvents } = await setup();
    const m = await svc.mint('admin');
    const req = hubRequest();
    const res = await svc.complete(bearer(m.token), req, '198.51.100.9');

    assert.equal(res.hostId, identity.hostId);
    assert.equal(res.hostname, identity.hostname);
    assert.equal(res.spki, identity.spki);
    const [, credId, credSecret] = res.credential.split('.');
    assert.match(res.credential, /^qxc\.[a-z0-9]{8}\.[A-Za-z0-9_-]{32}$/);

    assert.equal(svc.enrolled(), true);
    assert.equal(state.data.tokens[0]?.state, 'used');
    assert.equal(
      codeOf(() => svc.validate(bearer(m.token))),
      'TOKEN_EXPIRED',
    );
    assert.throws(() => svc.validate(bearer(m.token)), /already used/);
    assert.equal(svc.current(), null);

    const now = new Date(clock.t).toISOString();
    assert.deepEqual(state.data.hubs, [
      {
        ...req,
        adoptedAt: now,
        lastSeenAt: now,
        credentialId: credId,
        credentialHash: sha256Hex(credSecret ?? ''),
        via: 'token',
        viaTokenId: m.tokenId,
        viaEnrollmentId: null,
      },
    ]);
    const onDisk = await readFile(stateFile, 'utf8');
    assert.ok(!onDisk.includes(credSecret ?? '<none>'), 'the credential secret is never written');
    assert.deepEqual(HostState.parse(JSON.parse(onDisk)).hubs, state.data.hubs);

    assert.deepEqual(svc.hubs(), [
      {
        hubId: req.hubId,
        hubName: req.hubName,
        hubUrl: req.hubUrl,
        hubSpki: req.hubSpki,
        adoptedAt: now,
        lastSeenAt: now,
      },
    ]);
    const [ev] = registrationEvents();
    assert.equal(ev?.source, '198.51.100.9');
    assert.deepEqual(ev?.details, { hubId: req.hubId, tokenId: m.tokenId, hubSpki: req.hubSpki });
  });

  it('lets only one of two simultaneous completions use a token', async () => {
    const { svc, state } = await setup();
    const m = await svc.mint('admin');
    const outcomes = await Promise.allSettled([
      svc.complete(bearer(m.token), hubRequest(), 'a'),
      svc.complete(bearer(m.token), hubRequest(), 'b'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected'],
    );
    const rejected = outcomes[1];
    assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof AppError);
    assert.equal(rejected.reason.code, 'TOKEN_EXPIRED');
    assert.equal(state.data.hubs.length, 1);
  });

  it('refuses completion without a valid token', async () => {
    const { svc, state } = await setup();
    await svc.mint('admin');
    assert.equal(await codeOfAsync(svc.complete(undefined, hubRequest(), 'x')), 'TOKEN_MISSING');
    assert.equal(
      await codeOfAsync(svc.complete(bearer('abcdef.0123456789abcdef'), hubRequest(), 'x')),
      'TOKEN_INVALID',
    );
    assert.equal(state.data.hubs.length, 0);
  });

  it('accepts the hub credential and rejects a tampered or unknown one', async () => {
    const { svc } = await setup();
    const m = await svc.mint('admin');
    const req = hubRequest();
    const { credential } = await svc.complete(bearer(m.token), req, 'x');

    assert.equal(svc.hubForCredential(credential)?.hubId, req.hubId);
    const tampered = credential.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal(svc.hubForCredential(tampered), null);
    const otherId = credential.replace(/^qxc\.[a-z0-9]{8}/, 'qxc.zzzzzzzz');
    assert.equal(svc.hubForCredential(otherId), null);
    assert.equal(svc.hubForCredential(''), null);
    assert.equal(svc.hubForCredential(m.token), null);

    svc.authorizeDiscovery(bearer(credential));
    assert.equal(
      codeOf(() => svc.authorizeDiscovery(bearer(tampered))),
      'TOKEN_INVALID',
    );
    assert.equal(
      codeOf(() => svc.authorizeDiscovery(undefined)),
      'TOKEN_MISSING',
    );
  });

  it('accepts a live registration token for discovery without consuming it', async () => {
    const { svc } = await setup();
    const m = await svc.mint('admin');
    svc.authorizeDiscovery(bearer(m.token));
    svc.authorizeDiscovery(bearer(m.token));
    assert.equal(svc.validate(bearer(m.token)).valid, true);
  });

  it('revokes a hub so its credential stops working', async () => {
    const { svc, registrationEvents } = await setup();
    const m = await svc.mint('admin');
    const req = hubRequest();
    const { credential } = await svc.complete(bearer(m.token), req, 'x');

    await svc.revoke(req.hubId, 'admin');
    assert.deepEqual(svc.hubs(), []);
    assert.equal(svc.enrolled(), false);
    assert.equal(svc.hubForCredential(credential), null);
    assert.equal(
      codeOf(() => svc.authorizeDiscovery(bearer(credential))),
      'TOKEN_INVALID',
    );
    const [ev] = registrationEvents();
    assert.equal(ev?.level, 'warning');
    assert.deepEqual(ev?.details, { hubId: req.hubId });

    assert.equal(await codeOfAsync(svc.revoke(req.hubId, 'admin')), 'HUB_NOT_FOUND');
  });

  it('replaces the entry when the same hub adopts the host again', async () => {
    const { svc, state } = await setup();
    const hubId = randomUUID();
    const first = await svc.complete(bearer((await svc.mint('admin')).token), hubRequest({ hubId }), 'x');
    const second = await svc.complete(
      bearer((await svc.mint('admin')).token),
      hubRequest({ hubId, hubName: 'Renamed hub' }),
      'x',
    );
    assert.equal(state.data.hubs.length, 1);
    assert.equal(svc.hubs()[0]?.hubName, 'Renamed hub');
    assert.equal(svc.hubForCredential(first.credential), null);
    assert.equal(svc.hubForCredential(second.credential)?.hubId, hubId);

    const other = hubRequest();
    await svc.complete(bearer((await svc.mint('admin')).token), other, 'x');
    assert.deepEqual(
      svc
        .hubs()
        .map((h) => h.hubId)
        .sort(),
      [hubId, other.hubId].sort(),
    );
  });
});

describe('registration service: hubs joined and forgotten', () => {
  const credential = `qxc.abcd1234.${'Q'.repeat(32)}`;
  const joined = (over: { hubId?: string } = {}) => ({
    hubId: over.hubId ?? randomUUID(),
    hubName: 'Fleet hub',
    hubUrl: 'https://hub.example:9443',
    hubSpki: `sha256:${'cd'.repeat(32)}`,
    credential,
    enrollmentId: 'enr00001',
  });

  it('stores a joined hub like an adopted one, via enrollment, with only a hash of the credential', async () => {
    const { svc, state, stateFile, registrationEvents } = await setup();
    const changes: string[] = [];
    svc.onHubsChanged((c) => {
      changes.push(`${c.kind}:${c.hub.hubName}`);
    });
    const j = joined();
    const hub = await svc.joined(j, 'console');
    assert.equal(hub.via, 'enrollment');
    assert.equal(hub.viaTokenId, null);
    assert.equal(hub.viaEnrollmentId, 'enr00001');
    assert.equal(hub.credentialId, 'abcd1234');
    assert.equal(hub.credentialHash, sha256Hex('Q'.repeat(32)));
    assert.ok(!(await readFile(stateFile, 'utf8')).includes('Q'.repeat(32)));
    assert.deepEqual(state.data.hubs, [hub]);
    // the credential it gave the hub works like one from `complete`
    assert.equal(svc.hubForCredential(credential)?.hubId, j.hubId);
    assert.equal(svc.enrolled(), true);
    assert.match(
      registrationEvents()[0]?.message ?? '',
      /Joined hub "Fleet hub" .* enrollment string enr00001/,
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(changes, ['added:Fleet hub']);
  });

  it('forgets a hub that removed the host, and tells the links; revoking tells them too', async () => {
    const { svc, registrationEvents } = await setup();
    const kinds: string[] = [];
    svc.onHubsChanged(async (c) => {
      kinds.push(c.kind);
    });
    const a = await svc.joined(joined(), 'console');
    const b = await svc.joined(joined(), 'console');
    await svc.forget(a.hubId, 'removed from hub X by user:admin');
    assert.deepEqual(
      svc.hubs().map((h) => h.hubId),
      [b.hubId],
    );
    const ev = registrationEvents()[0];
    assert.equal(ev?.source, 'hub Fleet hub');
    assert.match(ev?.message ?? '', /removed this host/);
    await svc.forget(a.hubId, 'again'); // nothing left to forget: no error, no event
    await svc.revoke(b.hubId, 'user:admin@x');
    assert.deepEqual(svc.storedHubs(), []);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(kinds, ['added', 'added', 'forgotten', 'revoked']);
  });

  it('reads a hub stored before enrolment existed as adopted by token', () => {
    const old = {
      hubId: randomUUID(),
      hubName: 'h',
      hubUrl: 'https://h.example',
      hubSpki: `sha256:${'ef'.repeat(32)}`,
      adoptedAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: null,
      credentialId: 'abcdefgh',
      credentialHash: 'a'.repeat(64),
      viaTokenId: 'abc123',
    };
    const parsed = HostState.parse({
      schema: 1,
      hostId: identity.hostId,
      createdAt: '2026-01-01T00:00:00.000Z',
      users: [],
      tokens: [],
      hubs: [old],
    });
    assert.deepEqual(parsed.hubs[0], { ...old, via: 'token', viaEnrollmentId: null });
  });
});
