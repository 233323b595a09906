import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolSummary } from '@quantix/shared';
import { GiB } from '@quantix/shared/ui/format/parse-size.ts';
import { defaultPool, describeHost, hostCapacity, overcommitWarnings } from './wizard-host.ts';

// the host of the report: 2 threads, 23.5 GiB, 12 GiB free
const host = { threads: 2, memoryTotal: 23.5 * GiB, memoryAvailable: 12 * GiB };
const fields = (form: { vcpus: string; memoryMiB: string }) =>
  overcommitWarnings(form, host).map((w) => w.field);

test('nothing to say when the VM fits', () => {
  assert.deepEqual(overcommitWarnings({ vcpus: '2', memoryMiB: '2048' }, host), []);
  assert.deepEqual(overcommitWarnings({ vcpus: '16', memoryMiB: '65536' }, null), [], 'host unknown');
  assert.deepEqual(overcommitWarnings({ vcpus: 'x', memoryMiB: '' }, host), [], 'invalid: the errors say it');
});

test('16 vCPUs and 64 GiB on a 2-thread, 23.5 GiB host: both warned', () => {
  const w = overcommitWarnings({ vcpus: '16', memoryMiB: '65536' }, host);
  assert.deepEqual(
    w.map((x) => x.field),
    ['vcpus', 'memoryMiB'],
  );
  assert.match(
    w[0]?.message ?? '',
    /^More vCPUs \(16\) than this host has CPU threads \(2\): they take turns/,
  );
  assert.match(w[1]?.message ?? '', /^64\.0 GiB is more than this host's 23\.5 GiB of memory/);
});

test('vCPUs up to the thread count are fine; one more is warned', () => {
  assert.deepEqual(fields({ vcpus: '2', memoryMiB: '1024' }), []);
  assert.deepEqual(fields({ vcpus: '3', memoryMiB: '1024' }), ['vcpus']);
  assert.deepEqual(
    overcommitWarnings({ vcpus: '2', memoryMiB: '64' }, { ...host, threads: 1 }).map((w) => w.field),
    ['vcpus'],
  );
});

test('memory under the total but over what is free is its own warning', () => {
  const w = overcommitWarnings({ vcpus: '1', memoryMiB: String(16 * 1024) }, host);
  assert.equal(w.length, 1);
  assert.match(w[0]?.message ?? '', /more than is free on this host now \(12\.0 GiB\)/);
  assert.deepEqual(fields({ vcpus: '1', memoryMiB: String(12 * 1024) }), [], 'exactly what is free');
  const unknownFree = overcommitWarnings(
    { vcpus: '1', memoryMiB: String(16 * 1024) },
    { ...host, memoryAvailable: null },
  );
  assert.deepEqual(unknownFree, []);
});

test('the capacity comes from the hardware report, else the host summary', () => {
  const hw = {
    cpu: { model: 'x', vendor: 'x', sockets: 1, cores: 1, threads: 2, mhz: 1, virtualization: [], kvm: true },
    memory: { total: 8 * GiB, available: 3 * GiB, swapTotal: 0, swapFree: 0 },
  };
  const summary = { cpu: { model: 'x', threads: 4 }, memoryTotal: 16 * GiB };
  assert.deepEqual(hostCapacity(hw, summary), { threads: 2, memoryTotal: 8 * GiB, memoryAvailable: 3 * GiB });
  assert.deepEqual(hostCapacity(null, summary), { threads: 4, memoryTotal: 16 * GiB, memoryAvailable: null });
  assert.equal(hostCapacity(null, null), null);
  assert.equal(
    describeHost({ threads: 2, memoryTotal: 8 * GiB, memoryAvailable: 3 * GiB }),
    'This host has 2 CPU threads and 8.00 GiB of memory (3.00 GiB free now).',
  );
  assert.equal(
    describeHost({ threads: 1, memoryTotal: 8 * GiB, memoryAvailable: null }),
    'This host has 1 CPU thread and 8.00 GiB of memory.',
  );
});

const pool = (name: string, available: number, state: PoolSummary['state'] = 'running') =>
  ({ name, available, state }) as PoolSummary;

test('the default pool is the running one with the most free space', () => {
  assert.equal(defaultPool([pool('a', 5), pool('b', 9), pool('c', 99, 'inactive')])?.name, 'b');
  assert.equal(defaultPool([pool('z', 5), pool('a', 5)])?.name, 'a', 'a tie goes by name');
  assert.equal(defaultPool([pool('c', 99, 'inactive')]), null);
});
