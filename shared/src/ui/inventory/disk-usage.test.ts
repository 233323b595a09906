import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskUsage, diskUseLabel } from './disk-usage.ts';

test("the host's reasons decide: in use, with why", () => {
  const root = diskUseLabel({
    partitions: [],
    inUse: ['vda is mounted at /', 'vda has an ext4 filesystem'],
  });
  assert.deepEqual(root, {
    kind: 'in-use',
    label: 'In use',
    badge: 'badge-warning',
    reasons: ['vda is mounted at /', 'vda has an ext4 filesystem'],
  });
  assert.equal(diskUsage({ partitions: [], inUse: ['sdb is in use as swap'] }), 'in-use');
  assert.equal(
    diskUsage({ partitions: [], inUse: ['sdc is held by dm-0 (LVM, RAID or encryption)'] }),
    'in-use',
  );
});

test('unused only without reasons and without partitions with filesystems', () => {
  assert.equal(diskUseLabel({ partitions: [], inUse: [] }).label, 'Unused');
  assert.equal(diskUseLabel({ partitions: [{ mount: '', fstype: '' }], inUse: [] }).kind, 'unused');
  const formatted = diskUseLabel({ partitions: [{ mount: '', fstype: 'xfs' }], inUse: [] });
  assert.equal(formatted.label, 'Has filesystems');
  assert.deepEqual(formatted.reasons, ['not mounted; its filesystems may hold data']);
});

test('a report without inUse falls back on mounted partitions', () => {
  const old = diskUseLabel({ partitions: [{ mount: '/boot', fstype: 'ext4' }] });
  assert.equal(old.kind, 'in-use');
  assert.deepEqual(old.reasons, ['mounted at /boot']);
  assert.equal(diskUsage({ partitions: [] }), 'unused');
});
