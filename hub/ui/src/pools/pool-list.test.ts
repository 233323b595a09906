import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolAssignment, SharedPool } from '@quantix/shared';
import { hubHost } from '../fleet/host-fixture.test-helper.ts';
import { applyPoolChange, describeDefinition, fileHosts, poolHostRows } from './pool-list.ts';

const at = '2026-01-01T00:00:00.000Z';
const pool = (name: string, assignments: PoolAssignment[] = []): SharedPool => ({
  definition: { type: 'netfs', name, host: 'nas', exportPath: '/export', path: `/mnt/${name}`, options: '' },
  createdAt: at,
  assignments,
});
const assigned = (
  hostId: string,
  state: PoolAssignment['state'],
  message: string | null = null,
): PoolAssignment => ({
  hostId,
  state,
  message,
  changedAt: at,
});

test('pool:changed replaces, adds in order, and removes', () => {
  const list = [pool('a'), pool('c')];
  const added = applyPoolChange(list, { name: 'b', pool: pool('b') });
  assert.deepEqual(
    added.map((p) => p.definition.name),
    ['a', 'b', 'c'],
  );
  const removed = applyPoolChange(added, { name: 'a', pool: null });
  assert.deepEqual(
    removed.map((p) => p.definition.name),
    ['b', 'c'],
  );
  assert.equal(applyPoolChange(removed, { name: 'zzz', pool: null }), removed);
});

test('the matrix: every host, assigned ones first, and assignments to hosts no longer listed', () => {
  const a = hubHost({ hostname: 'alpha' });
  const b = hubHost({ hostname: 'bravo', state: 'not-responding' });
  const c = hubHost({ hostname: 'charlie' });
  const gone = '00000000-0000-4000-8000-0000000000ff';
  const p = pool('nfs', [assigned(c.hostId, 'error', 'mount failed'), assigned(gone, 'removing')]);
  const rows = poolHostRows(p, [a, b, c]);
  assert.deepEqual(
    rows.map((r) => [r.hostname, r.assignment?.state ?? null, r.connected]),
    [
      [gone, 'removing', false],
      ['charlie', 'error', true],
      ['alpha', null, true],
      ['bravo', null, false],
    ],
  );
  assert.equal(rows[1]?.assignment?.message, 'mount failed');
});

test('files are read on connected hosts where the pool is active', () => {
  const a = hubHost();
  const b = hubHost({ state: 'not-responding' });
  const c = hubHost();
  const p = pool('nfs', [
    assigned(a.hostId, 'active'),
    assigned(b.hostId, 'active'),
    assigned(c.hostId, 'pending'),
  ]);
  assert.deepEqual(fileHosts(p, [a, b, c]), [a]);
});

test('the definition in words', () => {
  assert.equal(describeDefinition(pool('x')), 'NFS nas:/export → /mnt/x');
  assert.equal(
    describeDefinition({ ...pool('y'), definition: { type: 'dir', name: 'y', path: '/srv/y' } }),
    'Directory /srv/y',
  );
});
