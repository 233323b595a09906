import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostStatus } from '@quantix/shared';
import { createLinkStates, type LinkTransition } from './link-states.ts';

const H = '6f1c1a52-55a4-4a35-9a0f-2d0f5d9d7c11';
const GRACE = 15_000;

function setup(t0 = Date.parse('2026-01-01T00:00:00Z')) {
  const clock = { t: t0 };
  const transitions: LinkTransition[] = [];
  const statusChanges: string[] = [];
  const states = createLinkStates({
    now: () => clock.t,
    graceMs: GRACE,
    onTransition: (t) => transitions.push(t),
    onStatus: (id) => statusChanges.push(id),
  });
  const advance = (ms: number) => {
    clock.t += ms;
    states.tick();
  };
  return { clock, states, transitions, statusChanges, advance };
}

const status = (at: string): HostStatus => ({
  at,
  hostname: 'kvm-1',
  version: '0.1.0',
  hypervisorAvailable: true,
  cpuPercent: 3,
  cpuCount: 8,
  memoryTotalBytes: 1,
  memoryUsedBytes: 1,
  vms: { total: 0, running: 0 },
  pools: [],
});

describe('link states', () => {
  it('pending until the first link, not-responding if it never comes within the grace period', () => {
    const { states, advance, transitions } = setup();
    states.register(H, { revokedAt: null, lastSeenAt: null });
    assert.equal(states.live(H).state, 'pending');
    advance(GRACE - 1);
    assert.equal(states.live(H).state, 'pending');
    advance(1);
    assert.equal(states.live(H).state, 'not-responding');
    assert.match(states.live(H).stateReason ?? '', /not connected since the hub started/);
    assert.deepEqual(states.notResponding(), [H]);
    states.up(H);
    assert.equal(states.live(H).state, 'connected');
    assert.deepEqual(
      transitions.map((t) => `${t.from}>${t.to}`),
      ['pending>not-responding', 'not-responding>connected'],
    );
  });

  it('a missed beat or a quick reconnect is no outage; silence for the grace period is', () => {
    const { states, advance, clock } = setup();
    states.up(H);
    advance(5000);
    states.seen(H, status(new Date(clock.t).toISOString()));
    advance(9000); // one beat missed, the link still up
    assert.equal(states.live(H).state, 'connected');
    states.down(H);
    advance(2000);
    states.up(H); // back within the grace period
    assert.equal(states.live(H).state, 'connected');
    states.seen(H);
    const lastHeard = clock.t;
    advance(3000);
    states.down(H); // a dead peer is noticed late: the grace counts from the last thing heard
    advance(GRACE - 3000 - 1);
    assert.equal(states.live(H).state, 'connected');
    advance(1);
    const live = states.live(H);
    assert.equal(live.state, 'not-responding');
    assert.equal(live.lastSeenAt, new Date(lastHeard).toISOString());
    assert.match(live.stateReason ?? '', /no contact since/);
  });

  it('tells status changes apart from state changes', () => {
    const { states, transitions, statusChanges } = setup();
    states.up(H);
    states.seen(H, status('2026-01-01T00:00:05Z'));
    states.seen(H); // a ping: no change worth telling
    assert.deepEqual(statusChanges, [H]);
    assert.equal(transitions.length, 1);
    assert.equal(states.live(H).status?.at, '2026-01-01T00:00:05Z');
  });

  it('cert-changed holds while the link is down; the pinned key proving itself again clears it', () => {
    const { states, advance } = setup();
    states.up(H);
    states.certChanged(H, 'someone else'); // the genuine link is up: an impostor changes nothing
    assert.equal(states.live(H).state, 'connected');
    states.down(H);
    advance(GRACE);
    assert.equal(states.live(H).state, 'not-responding');
    states.certChanged(H, 'another certificate answers at its address');
    assert.equal(states.live(H).state, 'cert-changed');
    advance(60_000);
    assert.equal(states.live(H).state, 'cert-changed');
    assert.equal(states.live(H).stateReason, 'another certificate answers at its address');
    states.up(H);
    assert.equal(states.live(H).state, 'connected');
  });

  it('disconnected (revoked) wins over everything until the host is forgotten', () => {
    const { states, advance } = setup();
    states.register(H, { revokedAt: '2026-01-01T00:00:00.000Z', lastSeenAt: '2025-12-31T23:00:00.000Z' });
    assert.equal(states.live(H).state, 'disconnected');
    assert.match(states.live(H).stateReason ?? '', /revoked this hub at 2026-01-01/);
    assert.equal(states.live(H).lastSeenAt, '2025-12-31T23:00:00.000Z');
    advance(GRACE * 2);
    assert.equal(states.live(H).state, 'disconnected');
    states.forget(H);
    assert.deepEqual(states.all(), []);
    states.up(H);
    states.revoked(H, 'the host revoked this hub');
    states.down(H);
    advance(GRACE * 2);
    assert.equal(states.live(H).state, 'disconnected');
    assert.deepEqual(states.notResponding(), []);
  });

  it('keeps the pools it holds when a heartbeat brings the same ones (what a beat leaves in memory stays small)', () => {
    const { states } = setup();
    states.up(H);
    const pool = { name: 'images', state: 'running' as const, capacity: 100, available: 40 };
    states.seen(H, { ...status('2026-01-01T00:00:05Z'), pools: [{ ...pool }] });
    const held = states.live(H).status?.pools;
    states.seen(H, { ...status('2026-01-01T00:00:10Z'), cpuPercent: 9, pools: [{ ...pool }] });
    const next = states.live(H).status;
    assert.equal(next?.cpuPercent, 9);
    assert.equal(next?.at, '2026-01-01T00:00:10Z');
    assert.equal(next?.pools, held, 'the same pools: the array already held');
    states.seen(H, { ...status('2026-01-01T00:00:15Z'), pools: [{ ...pool, available: 30 }] });
    assert.deepEqual(states.live(H).status?.pools, [{ ...pool, available: 30 }]);
    assert.notEqual(states.live(H).status?.pools, held);
  });
});
