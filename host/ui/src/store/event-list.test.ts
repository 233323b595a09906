import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostEvent } from '@quantix/shared';
import type { EventFilter } from './app-state.ts';
import { matchesFilter, mergeEvents } from './event-list.ts';

function ev(
  seq: number,
  level: HostEvent['level'] = 'info',
  category: HostEvent['category'] = 'system',
): HostEvent {
  return {
    id: `e${seq}`,
    seq,
    timestamp: '2025-01-01T00:00:00Z',
    level,
    category,
    message: 'm',
    source: 's',
  };
}
const all: EventFilter = { level: '', category: '', limit: 100 };

test('matchesFilter checks level and category, empty means any', () => {
  assert.equal(matchesFilter(ev(1, 'error', 'vm'), all), true);
  assert.equal(matchesFilter(ev(1, 'error', 'vm'), { ...all, level: 'error' }), true);
  assert.equal(matchesFilter(ev(1, 'info', 'vm'), { ...all, level: 'error' }), false);
  assert.equal(matchesFilter(ev(1, 'info', 'vm'), { ...all, category: 'security' }), false);
});

test('mergeEvents puts newest first and skips duplicates', () => {
  const out = mergeEvents([ev(2), ev(1)], [ev(3), ev(2)], all);
  assert.deepEqual(
    out.map((e) => e.seq),
    [3, 2, 1],
  );
});

test('mergeEvents keeps only matching events and at most limit', () => {
  const filter: EventFilter = { level: 'warning', category: '', limit: 2 };
  const out = mergeEvents([ev(2, 'warning'), ev(1, 'warning')], [ev(3, 'info'), ev(4, 'warning')], filter);
  assert.deepEqual(
    out.map((e) => e.seq),
    [4, 2],
  );
});

test('mergeEvents returns the same array when nothing is added', () => {
  const current = [ev(1)];
  assert.equal(mergeEvents(current, [ev(1), ev(2, 'error')], { ...all, level: 'info' }), current);
});
