import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubHost } from '../fleet/host-fixture.test-helper.ts';
import { applyAdopted, applyHostChange, applyMaintenance, applyStatusBatch, sortHosts } from './host-list.ts';

test('a change replaces the host in place, adds a new one in order, and null removes it', () => {
  const a = hubHost({ hostname: 'alpha' });
  const c = hubHost({ hostname: 'charlie' });
  const list = sortHosts([c, a]);
  assert.deepEqual(
    list.map((h) => h.hostname),
    ['alpha', 'charlie'],
  );
  const b = hubHost({ hostname: 'bravo' });
  const added = applyHostChange(list, { hostId: b.hostId, host: b });
  assert.deepEqual(
    added.map((h) => h.hostname),
    ['alpha', 'bravo', 'charlie'],
  );
  const down = { ...a, state: 'not-responding' as const };
  const changed = applyHostChange(added, { hostId: a.hostId, host: down });
  assert.equal(changed[0]?.state, 'not-responding');
  assert.equal(changed.length, 3);
  const removed = applyHostChange(changed, { hostId: c.hostId, host: null });
  assert.deepEqual(
    removed.map((h) => h.hostname),
    ['alpha', 'bravo'],
  );
});

test('removing a host that is not listed changes nothing', () => {
  const list = [hubHost()];
  assert.equal(applyHostChange(list, { hostId: '00000000-0000-4000-8000-ffffffffffff', host: null }), list);
});

test('an adoption answer overtaken by the socket keeps the newer record; a re-pair replaces the old one', () => {
  const pending = hubHost({ hostname: 'bravo', state: 'pending', adoptedAt: '2026-12-02T10:00:00.000Z' });
  const connected = { ...pending, state: 'connected' as const };
  // the link came up and its host:changed arrived before the HTTP answer
  const list = [connected];
  assert.equal(applyAdopted(list, pending), list);
  // nothing arrived yet: the answer adds the host
  assert.deepEqual(applyAdopted([], pending), [pending]);
  // re-paired: the answer is a new adoption of a host listed as cert-changed
  const old = { ...pending, state: 'cert-changed' as const, adoptedAt: '2026-01-01T00:00:00.000Z' };
  assert.deepEqual(applyAdopted([old], pending), [pending]);
});

test('a maintenance answer sets the flag only: the link state the socket brought stays', () => {
  const a = hubHost({ state: 'not-responding', maintenance: false });
  const answer = { ...a, state: 'connected' as const, maintenance: true };
  const [next] = applyMaintenance([a], answer);
  assert.equal(next?.maintenance, true);
  assert.equal(next?.state, 'not-responding');
  assert.deepEqual(applyMaintenance([], answer), [answer]);
});

test('a status beat marks the host connected (a lost or overtaken host:changed heals)', () => {
  const a = hubHost({ state: 'pending', stateReason: null, status: null });
  const status = hubHost({ state: 'connected' }).status;
  assert.ok(status, 'the fixture has a status');
  const [next] = applyStatusBatch([a], {
    hosts: [{ hostId: a.hostId, status, lastSeenAt: '2026-12-02T00:00:00.000Z' }],
  });
  assert.equal(next?.state, 'connected');
  assert.equal(next?.stateReason, null);
  assert.equal(next?.lastSeenAt, '2026-12-02T00:00:00.000Z');
  const other = applyStatusBatch([a], { hosts: [] });
  assert.equal(other[0], a, 'a host that did not beat is untouched');
});
