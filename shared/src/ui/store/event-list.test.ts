import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostEvent } from '@quantix/shared';
import { mergeNewest } from './event-list.ts';

const ev = (seq: number, source = 'hub'): HostEvent => ({
  id: `e${seq}`,
  seq,
  timestamp: '2025-01-01T00:00:00Z',
  level: 'info',
  category: 'system',
  message: 'm',
  source,
});

test('mergeNewest keeps what the predicate accepts, newest first, deduplicated, at most limit', () => {
  const out = mergeNewest([ev(2), ev(1)], [ev(5, 'kvm1'), ev(4), ev(3), ev(2)], (e) => e.source === 'hub', 3);
  assert.deepEqual(
    out.map((e) => e.seq),
    [4, 3, 2],
  );
});

test('mergeNewest returns the same array when nothing is added', () => {
  const current = [ev(1)];
  assert.equal(
    mergeNewest(current, [ev(1), ev(2, 'x')], (e) => e.source === 'hub', 10),
    current,
  );
});
