import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createSessionStore, type Session, type SessionEndReason, type SessionStore } from './sessions.ts';

const IDLE_MS = 30 * 60_000;

function setup(idleTimeoutMs = IDLE_MS) {
  const clock = { t: Date.parse('2026-03-01T12:00:00Z') };
  const store = createSessionStore({ idleTimeoutMs, now: () => clock.t });
  const ended: Array<{ id: string; username: string; reason: SessionEndReason }> = [];
  store.onEnd((s: Session, reason) => ended.push({ id: s.id, username: s.username, reason }));
  return { clock, store, ended };
}

function closing<T>(store: SessionStore, fn: () => T): T {
  try {
    return fn();
  } finally {
    store.close();
  }
}

describe('sessions', () => {
  it('creates sessions with 256-bit random ids', () => {
    const { store, clock } = setup();
    closing(store, () => {
      const a = store.create('admin');
      const b = store.create('admin');
      assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(a.id, b.id);
      assert.deepEqual(a, { id: a.id, username: 'admin', createdAt: clock.t, lastSeen: clock.t });
      assert.equal(store.idleTimeoutMs, IDLE_MS);
      assert.equal(store.touch('no-such-session'), null);
    });
  });

  it('ends an idle session as expired on touch and tells the listeners', () => {
    const { store, clock, ended } = setup();
    closing(store, () => {
      const s = store.create('admin');
      clock.t += IDLE_MS;
      assert.equal(store.touch(s.id)?.id, s.id, 'exactly the idle timeout is still alive');
      clock.t += IDLE_MS + 1;
      assert.equal(store.touch(s.id), null);
      assert.deepEqual(ended, [{ id: s.id, username: 'admin', reason: 'expired' }]);
      assert.equal(store.touch(s.id), null);
      assert.equal(ended.length, 1, 'ended once');
    });
  });

  it('refreshes the idle timer on touch', () => {
    const { store, clock, ended } = setup();
    closing(store, () => {
      const s = store.create('admin');
      for (let i = 0; i < 5; i++) {
        clock.t += IDLE_MS - 1_000;
        const touched = store.touch(s.id);
        assert.equal(touched?.lastSeen, clock.t);
      }
      assert.equal(ended.length, 0);
      assert.equal(s.createdAt, clock.t - 5 * (IDLE_MS - 1_000));
    });
  });

  it('sweeps idle sessions even when nobody touches them', async () => {
    const { store, clock, ended } = setup(40);
    try {
      const idle = store.create('admin');
      clock.t += 41;
      const fresh = store.create('other');
      await sleep(150);
      assert.deepEqual(ended, [{ id: idle.id, username: 'admin', reason: 'expired' }]);
      assert.equal(store.touch(fresh.id)?.id, fresh.id);
    } finally {
      store.close();
    }
  });

  it('ends one session with the given reason', () => {
    const { store, ended } = setup();
    closing(store, () => {
      const s = store.create('admin');
      store.end(s.id, 'logout');
      store.end(s.id, 'logout');
      store.end('unknown', 'logout');
      assert.deepEqual(ended, [{ id: s.id, username: 'admin', reason: 'logout' }]);
      assert.equal(store.touch(s.id), null);
    });
  });

  it('ends every session of one user and no others', () => {
    const { store, ended } = setup();
    closing(store, () => {
      const a1 = store.create('alice');
      const a2 = store.create('alice');
      const b = store.create('bob');
      store.endAllFor('alice', 'revoked');
      assert.deepEqual(
        ended.map((e) => [e.id, e.reason]).sort(),
        [
          [a1.id, 'revoked'],
          [a2.id, 'revoked'],
        ].sort(),
      );
      assert.equal(store.touch(a1.id), null);
      assert.equal(store.touch(a2.id), null);
      assert.equal(store.touch(b.id)?.username, 'bob');
    });
  });

  it('stops notifying a listener once unsubscribed', () => {
    const { store } = setup();
    closing(store, () => {
      const seen: string[] = [];
      const off = store.onEnd((s) => seen.push(s.id));
      const a = store.create('admin');
      store.end(a.id, 'logout');
      off();
      store.end(store.create('admin').id, 'logout');
      assert.deepEqual(seen, [a.id]);
    });
  });
});
