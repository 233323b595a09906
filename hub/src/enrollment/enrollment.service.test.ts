import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError, decodeEnrollment, EventsState, HubState, type StoredEnrollment } from '@quantix/shared';
import { createEventStore, initialEventsState, openJsonStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { createLowdbHubStore } from '../store/lowdb-hub-store.ts';
import { createEnrollmentService } from './enrollment.service.ts';

const root = tempRoot('qx-enroll-');
const SPKI = `sha256:${'ab'.repeat(32)}`;
const HOUR = 3_600_000;

async function setup() {
  const dir = await root.fresh();
  const file = join(dir, 'hub.json');
  const state = await openJsonStore({
    file,
    schema: HubState,
    initial: () => ({
      schema: 1 as const,
      hubId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      hosts: [],
      pools: [],
      enrollments: [],
    }),
  });
  const events = createEventStore({
    store: await openJsonStore({
      file: join(dir, 'events.json'),
      schema: EventsState,
      initial: initialEventsState,
    }),
  });
  const clock = { t: Date.parse('2026-03-01T12:00:00Z') };
  const store = createLowdbHubStore(state);
  const svc = createEnrollmentService({
    store,
    events,
    publicUrl: () => 'https://hub.example.test:9443',
    spki: () => SPKI,
    now: () => clock.t,
  });
  return { svc, store, events, clock, file };
}

const codeOf = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err.code;
  }
  return 'none';
};

describe('enrollment service', () => {
  it('mints a qxh1. string with the hub URL and key; the secret is stored only hashed', async () => {
    const { svc, events, file } = await setup();
    const m = await svc.mint({ label: 'rack 4', expiresInHours: 2, maxUses: 3 }, 'user:admin@x');
    const p = decodeEnrollment(m.enrollment);
    assert.ok(p);
    assert.deepEqual(
      { url: p.url, spki: p.spki, id: p.id },
      { url: 'https://hub.example.test:9443', spki: SPKI, id: m.id },
    );
    assert.equal(m.expiresAt, '2026-03-01T14:00:00.000Z');
    assert.equal(m.maxUses, 3);
    const onDisk = await readFile(file, 'utf8');
    assert.ok(!onDisk.includes(p.secret), 'the secret is never written');
    const { enrollment: _, ...listed } = m;
    assert.deepEqual(await svc.list(), [listed]);
    assert.match(
      events.query({ limit: 5 })[0]?.message ?? '',
      /Enrollment string .* \(rack 4\) created for up to 3 hosts/,
    );
  });

  it('checks the secret first, then revocation, expiry and uses', async () => {
    const { svc, store, clock } = await setup();
    const m = await svc.mint({ expiresInHours: 1, maxUses: 1 }, 'a');
    const p = decodeEnrollment(m.enrollment);
    assert.ok(p);
    const rec = async (): Promise<StoredEnrollment> => {
      const e = (await store.listEnrollments()).find((x) => x.id === m.id);
      assert.ok(e);
      return e;
    };
    const rec0 = await rec();
    assert.equal(
      codeOf(() => svc.check(p.secret)(rec0)),
      'none',
    );
    assert.equal(
      codeOf(() => svc.check('x'.repeat(32))(rec0)),
      'ENROLLMENT_INVALID',
    );
    assert.equal(
      codeOf(() => svc.check(p.secret)({ ...rec0, uses: 1 })),
      'ENROLLMENT_EXPIRED',
    );
    assert.equal(
      codeOf(() => svc.check(p.secret, { ignoreUses: true })({ ...rec0, uses: 1 })),
      'none',
    );
    clock.t += HOUR;
    assert.equal(
      codeOf(() => svc.check(p.secret)(rec0)),
      'ENROLLMENT_EXPIRED',
    );
    clock.t -= HOUR;
    await svc.revoke(m.id, 'a');
    const revoked = await rec();
    assert.ok(revoked.revokedAt);
    assert.equal(
      codeOf(() => svc.check(p.secret)(revoked)),
      'ENROLLMENT_INVALID',
    );
    // a wrong secret learns nothing about the string's state
    assert.equal(
      codeOf(() => svc.check('y'.repeat(32))({ ...revoked, uses: 99 })),
      'ENROLLMENT_INVALID',
    );
    await assert.rejects(svc.revoke('zzzzzzzz', 'a'), { code: 'NOT_FOUND' });
  });
});
