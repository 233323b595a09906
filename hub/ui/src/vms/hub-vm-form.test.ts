import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostPoolStatus } from '@quantix/shared';
import { emptyHubVmForm, toHubVmRequest, validateHubVm } from './hub-vm-form.ts';

const GiB = 2 ** 30;
const H = '00000000-0000-4000-8000-000000000001';
const nfs: HostPoolStatus = { name: 'nfs', state: 'running', capacity: 100 * GiB, available: 50 * GiB };
const ok = {
  ...emptyHubVmForm(),
  pools: ['nfs'],
  hostId: H,
  name: 'web01',
  diskPool: 'nfs',
  diskSizeGiB: '20',
};

test('a complete form passes and becomes the hub request', () => {
  assert.deepEqual(validateHubVm(ok, { hostPools: [nfs], isos: [] }), {});
  assert.deepEqual(toHubVmRequest(ok), {
    hostId: H,
    vm: {
      name: 'web01',
      vcpus: 2,
      memoryMiB: 2048,
      disks: [{ pool: 'nfs', sizeGiB: 20, format: 'qcow2' }],
      network: { type: 'network', name: 'default' },
      bootOrder: ['hd'],
      autostart: false,
    },
  });
});

test('an ISO from a chosen pool boots first', () => {
  const f = { ...ok, cdrom: 'nfs/debian.iso' };
  const isos = [{ pool: 'nfs', volume: 'debian.iso', size: GiB }];
  assert.deepEqual(validateHubVm(f, { hostPools: [nfs], isos }), {});
  const req = toHubVmRequest(f);
  assert.deepEqual(req.vm.cdrom, { pool: 'nfs', volume: 'debian.iso' });
  assert.deepEqual(req.vm.bootOrder, ['cdrom', 'hd']);
  assert.ok(validateHubVm(f, { hostPools: [nfs], isos: [] }).cdrom, 'an ISO no longer there is refused');
});

test('pools and host first; the disk must fit the pool as the chosen host sees it', () => {
  const e = validateHubVm(emptyHubVmForm(), { hostPools: [], isos: [] });
  assert.ok(e.pools);
  assert.ok(e.hostId);
  assert.ok(e.name);
  const full = validateHubVm({ ...ok, diskSizeGiB: '60' }, { hostPools: [nfs], isos: [] });
  assert.match(full['disk-0-size'] ?? '', /only 50\.0 GiB free/);
  const off = validateHubVm(ok, { hostPools: [{ ...nfs, state: 'inactive' }], isos: [] });
  assert.match(off['disk-0-pool'] ?? '', /not running/);
  assert.ok(validateHubVm({ ...ok, diskPool: 'other' }, { hostPools: [nfs], isos: [] })['disk-0-pool']);
});

test('a chosen pool the host has not reported yet is not refused: placement offered the host', () => {
  // assigned and active on the hub, applied a moment ago: the host's next status will name it
  assert.deepEqual(validateHubVm(ok, { hostPools: [], isos: [] }), {});
  assert.deepEqual(validateHubVm({ ...ok, diskSizeGiB: '60000' }, { hostPools: [], isos: [] }), {});
  // what the host did report still counts
  const off = validateHubVm(ok, { hostPools: [{ ...nfs, state: 'inactive' }], isos: [] });
  assert.match(off['disk-0-pool'] ?? '', /not running/);
});
