import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubHost } from '../fleet/host-fixture.test-helper.ts';
import { applyHostChange, sortHosts } from './host-list.ts';

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
