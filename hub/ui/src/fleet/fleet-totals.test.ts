import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetTotals } from './fleet-totals.ts';
import { hubHost } from './host-fixture.test-helper.ts';

const GiB = 2 ** 30;
const pool = (name: string, capacity: number, available: number) =>
  ({ name, state: 'running', capacity, available }) as const;

test('counts hosts by state and in maintenance', () => {
  const t = fleetTotals(
    [
      hubHost(),
      hubHost({ maintenance: true }),
      hubHost({ state: 'not-responding' }),
      hubHost({ state: 'cert-changed', maintenance: true }),
      hubHost({ state: 'pending', status: null }),
    ],
    new Set(),
  );
  assert.equal(t.hosts, 5);
  assert.deepEqual(t.byState, {
    connected: 2,
    'not-responding': 1,
    disconnected: 0,
    'cert-changed': 1,
    pending: 1,
  });
  assert.equal(t.maintenance, 2);
});

test('use adds up over connected hosts only', () => {
  const t = fleetTotals(
    [
      hubHost({
        status: { cpuPercent: 50, cpuCount: 8, memoryUsedBytes: 4 * GiB, memoryTotalBytes: 16 * GiB },
      }),
      hubHost({
        status: { cpuPercent: 25, cpuCount: 4, memoryUsedBytes: 2 * GiB, memoryTotalBytes: 8 * GiB },
      }),
      hubHost({ state: 'not-responding', status: { cpuPercent: 100, cpuCount: 64 } }),
      hubHost({ status: { cpuPercent: null, cpuCount: 2, vms: { total: 1, running: 0 } } }),
    ],
    new Set(),
  );
  assert.deepEqual(t.cpu, { usedCores: 5, cores: 14 }, 'a host without a CPU figure yet adds its cores only');
  assert.deepEqual(t.memory, { used: 10 * GiB, total: 40 * GiB });
  assert.deepEqual(t.vms, { running: 4, total: 7 });
});

test('a shared pool counts once, a host pool per host', () => {
  const nfs = pool('nfs-a', 100 * GiB, 40 * GiB);
  const t = fleetTotals(
    [
      hubHost({ status: { pools: [nfs, pool('default', 50 * GiB, 10 * GiB)] } }),
      hubHost({ status: { pools: [nfs, pool('default', 20 * GiB, 20 * GiB)] } }),
    ],
    new Set(['nfs-a']),
  );
  assert.deepEqual(t.storage, { used: 100 * GiB, total: 170 * GiB });
});

test('an empty fleet is all zeros', () => {
  const t = fleetTotals([], new Set());
  assert.equal(t.hosts, 0);
  assert.deepEqual(t.memory, { used: 0, total: 0 });
});
