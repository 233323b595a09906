import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlacementCandidate } from '@quantix/shared';
import { orderCandidates, pickHost } from './placement-order.ts';

const c = (hostname: string, freeGiB: number, refused = false): PlacementCandidate => ({
  hostId: `00000000-0000-4000-8000-${hostname.padStart(12, '0')}`,
  hostname,
  freeMemoryBytes: freeGiB * 2 ** 30,
  refusals: refused ? [{ reason: 'maintenance', message: `${hostname} is in maintenance` }] : [],
});

test('eligible hosts most free memory first, refused ones after by name', () => {
  const { eligible, refused } = orderCandidates([
    c('bravo', 4),
    c('zulu', 64, true),
    c('alpha', 16),
    c('delta', 1, true),
    c('charlie', 16),
  ]);
  assert.deepEqual(
    eligible.map((x) => x.hostname),
    ['alpha', 'charlie', 'bravo'],
  );
  assert.deepEqual(
    refused.map((x) => x.hostname),
    ['delta', 'zulu'],
  );
});

test('the chosen host stays chosen while eligible; otherwise the roomiest', () => {
  const { eligible } = orderCandidates([c('bravo', 4), c('alpha', 16)]);
  assert.equal(pickHost(eligible, eligible[1]?.hostId ?? ''), eligible[1]?.hostId);
  assert.equal(pickHost(eligible, 'gone'), eligible[0]?.hostId);
  assert.equal(pickHost([], 'x'), '');
});
