import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmDetail, VmSummary } from '@quantix/shared';
import { applyStatsToDetail, applyVmChanged, applyVmStats, mergeSummaryIntoDetail } from './vm-list.ts';

function vm(name: string, over: Partial<VmSummary> = {}): VmSummary {
  return {
    uuid: `uuid-${name}`,
    name,
    state: 'shutoff',
    vcpus: 1,
    memoryMiB: 1024,
    disks: 1,
    autostart: false,
    persistent: true,
    cpuPercent: null,
    memoryUsedMiB: null,
    tags: [],
    template: false,
    ...over,
  };
}

test('vm:changed replaces, adds in name order, and removes', () => {
  const list = [vm('a'), vm('c')];
  const started = applyVmChanged(list, {
    uuid: 'uuid-a',
    event: 'started',
    vm: vm('a', { state: 'running' }),
  });
  assert.equal(started[0]?.state, 'running');
  assert.equal(list[0]?.state, 'shutoff', 'the old list is not touched');
  const added = applyVmChanged(list, { uuid: 'uuid-b', event: 'defined', vm: vm('b') });
  assert.deepEqual(
    added.map((v) => v.name),
    ['a', 'b', 'c'],
  );
  const removed = applyVmChanged(list, { uuid: 'uuid-a', event: 'undefined', vm: null });
  assert.deepEqual(
    removed.map((v) => v.name),
    ['c'],
  );
  assert.equal(applyVmChanged(list, { uuid: 'nope', event: 'undefined', vm: null }), list);
});

test('vms:stats updates CPU and memory but never the state', () => {
  const list = [vm('a', { state: 'running' }), vm('b')];
  const out = applyVmStats(list, {
    t: 1,
    vms: [{ uuid: 'uuid-a', state: 'paused', cpuPercent: 12.5, memoryUsedMiB: 300 }],
  });
  assert.equal(out[0]?.cpuPercent, 12.5);
  assert.equal(out[0]?.memoryUsedMiB, 300);
  assert.equal(out[0]?.state, 'running', 'state changes come from vm:changed only');
  assert.equal(out[1], list[1]);
});

test('vms:stats with nothing new returns the same array', () => {
  const list = [vm('a', { cpuPercent: 5, memoryUsedMiB: 10 })];
  const same = applyVmStats(list, {
    t: 1,
    vms: [{ uuid: 'uuid-a', state: 'running', cpuPercent: 5, memoryUsedMiB: 10 }],
  });
  assert.equal(same, list);
});

test('a summary folds into the detail, keeping its disk list', () => {
  const detail = {
    ...vm('a'),
    disks: [
      {
        target: 'vda',
        device: 'disk',
        bus: 'virtio',
        source: '/x',
        pool: null,
        volume: null,
        format: 'qcow2',
        capacity: 1,
      },
    ],
    nics: [],
    graphics: [],
    cpu: { mode: 'custom', model: 'qemu64' },
    bootOrder: ['hd'],
    os: { arch: 'x86_64', machine: null, type: 'hvm' },
    description: '',
  } satisfies VmDetail;
  const merged = mergeSummaryIntoDetail(detail, vm('a', { state: 'running', disks: 7 }));
  assert.equal(merged.state, 'running');
  assert.equal(merged.disks.length, 1);
  const ticked = applyStatsToDetail(merged, {
    t: 1,
    vms: [{ uuid: 'uuid-a', state: 'running', cpuPercent: 50, memoryUsedMiB: 1 }],
  });
  assert.equal(ticked.cpuPercent, 50);
  assert.equal(applyStatsToDetail(ticked, { t: 2, vms: [] }), ticked);
});
