import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskUsage } from '@quantix/shared/ui/inventory/disk-usage.ts';
import {
  emptyPoolForm,
  splitDevices,
  toPoolRequest,
  validatePoolForm,
} from '@quantix/shared/ui/storage/pool-form.ts';
import { canResize, volumeNameError, withExtension } from './volume-form.ts';

test('a directory pool needs a name and an absolute plain path', () => {
  const f = { ...emptyPoolForm(), name: 'images', path: '/var/lib/quantix/images' };
  assert.deepEqual(validatePoolForm(f), {});
  assert.deepEqual(toPoolRequest(f), { type: 'dir', name: 'images', path: '/var/lib/quantix/images' });
  assert.ok(validatePoolForm({ ...f, path: 'relative' }).path);
  assert.ok(validatePoolForm({ ...f, path: '/a/../b' }).path);
  assert.ok(validatePoolForm({ ...f, path: '/a b' }).path);
  assert.ok(validatePoolForm({ ...f, name: '-x' }).name);
});

test('an NFS pool needs a server and an export', () => {
  const f = {
    ...emptyPoolForm(),
    type: 'netfs' as const,
    name: 'nas',
    path: '/mnt/nas',
    exportPath: '/export',
  };
  assert.ok(validatePoolForm({ ...f, host: '' }).host);
  assert.ok(validatePoolForm({ ...f, host: 'bad host' }).host);
  assert.deepEqual(validatePoolForm({ ...f, host: '10.0.0.5' }), {});
  assert.deepEqual(validatePoolForm({ ...f, host: 'nas.example.lan' }), {});
  assert.deepEqual(validatePoolForm({ ...f, host: 'fd00::5' }), {});
  assert.deepEqual(toPoolRequest({ ...f, host: 'nas' }), {
    type: 'netfs',
    name: 'nas',
    host: 'nas',
    exportPath: '/export',
    path: '/mnt/nas',
  });
});

test('an LVM pool: a volume group, devices under /dev/ if any', () => {
  const f = { ...emptyPoolForm(), type: 'logical' as const, name: 'lvm', vgName: 'vg_vms' };
  assert.deepEqual(validatePoolForm(f), {});
  assert.deepEqual(toPoolRequest(f), { type: 'logical', name: 'lvm', vgName: 'vg_vms' });
  assert.deepEqual(splitDevices(' /dev/sdb, /dev/sdc\n'), ['/dev/sdb', '/dev/sdc']);
  assert.deepEqual(toPoolRequest({ ...f, devices: '/dev/sdb /dev/sdc' }), {
    type: 'logical',
    name: 'lvm',
    vgName: 'vg_vms',
    devices: ['/dev/sdb', '/dev/sdc'],
  });
  assert.match(validatePoolForm({ ...f, devices: '/tmp/x' }).devices ?? '', /\/dev\//);
  assert.ok(validatePoolForm({ ...f, vgName: '-vg' }).vgName);
});

test('volume names: the extension must match the format', () => {
  assert.equal(volumeNameError('disk.qcow2', 'qcow2'), null);
  assert.match(volumeNameError('disk.img', 'qcow2') ?? '', /raw/);
  assert.equal(volumeNameError('disk.data', 'qcow2'), null);
  assert.ok(volumeNameError('disk.', 'raw'));
  assert.ok(volumeNameError('../x', 'raw'));
  assert.equal(withExtension('disk-1', 'qcow2'), 'disk-1.qcow2');
  assert.equal(withExtension('disk-1', 'raw'), 'disk-1.img');
  assert.equal(withExtension('disk.raw', 'raw'), 'disk.raw');
});

test('a local disk with a mounted partition is in use', () => {
  assert.equal(diskUsage({ partitions: [{ mount: '/', fstype: 'ext4' }] }), 'in-use');
  assert.equal(diskUsage({ partitions: [{ mount: '', fstype: 'LVM2_member' }] }), 'formatted');
  assert.equal(diskUsage({ partitions: [] }), 'unused');
});

test('only disk images are offered a resize', () => {
  assert.equal(canResize({ name: 'web-disk0.qcow2', type: 'file', format: 'qcow2' }), true);
  assert.equal(canResize({ name: 'scratch.img', type: 'file', format: 'raw' }), true);
  assert.equal(canResize({ name: 'lv_web', type: 'block', format: null }), true);
  assert.equal(canResize({ name: 'debian.iso', type: 'file', format: 'iso' }), false);
  assert.equal(canResize({ name: 'debian.ISO', type: 'file', format: 'raw' }), false);
  assert.equal(canResize({ name: 'installer', type: 'file', format: 'iso' }), false);
  assert.equal(canResize({ name: 'isos', type: 'dir', format: null }), false);
});
