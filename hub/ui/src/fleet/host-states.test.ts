import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubHost } from './host-fixture.test-helper.ts';
import { filterHosts, parseHostFilter, STATE_BADGE, STATE_LABEL, STATE_ORDER } from './host-states.ts';

test('the filter picks a state, the hosts in maintenance, or everyone', () => {
  const up = hubHost();
  const down = hubHost({ state: 'not-responding' });
  const resting = hubHost({ maintenance: true });
  const all = [up, down, resting];
  assert.equal(filterHosts(all, ''), all);
  assert.deepEqual(filterHosts(all, 'connected'), [up, resting]);
  assert.deepEqual(filterHosts(all, 'not-responding'), [down]);
  assert.deepEqual(filterHosts(all, 'maintenance'), [resting]);
  assert.deepEqual(filterHosts(all, 'cert-changed'), []);
});

test('the query value is checked: anything else means every host', () => {
  assert.equal(parseHostFilter('cert-changed'), 'cert-changed');
  assert.equal(parseHostFilter('maintenance'), 'maintenance');
  assert.equal(parseHostFilter('bogus'), '');
  assert.equal(parseHostFilter(null), '');
});

test('every state has a label, a badge and a place in the order', () => {
  for (const s of STATE_ORDER) {
    assert.ok(STATE_LABEL[s]);
    assert.ok(STATE_BADGE[s]);
  }
  assert.equal(new Set(STATE_ORDER).size, Object.keys(STATE_LABEL).length);
});
