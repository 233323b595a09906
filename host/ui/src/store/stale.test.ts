import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HypervisorStatus, VmDetail, VmSummary } from '@quantix/shared';
import { HYPERVISOR_UP as UP } from '../api/fake-http.test-helper.ts';
import { initialState } from './app-state.ts';
import { cameBack, errorBesideBanner, isStale, withHypervisorStatus } from './stale.ts';

const DOWN: HypervisorStatus = { ...UP, available: false, error: 'libvirtd is not running' };

const vm: VmSummary = {
  uuid: '00000000-0000-0000-0000-000000000001',
  name: 'web',
  state: 'running',
  vcpus: 2,
  memoryMiB: 2048,
  disks: 1,
  autostart: false,
  persistent: true,
  cpuPercent: 37,
  memoryUsedMiB: 900,
  tags: [],
  template: false,
};
const detail: VmDetail = {
  ...vm,
  cpu: { mode: 'custom', model: 'Westmere' },
  disks: [],
  nics: [],
  graphics: [],
  bootOrder: ['hd'],
  os: { arch: 'x86_64', machine: null, type: 'hvm' },
  description: '',
};

test('stale only while libvirt is known to be gone; back is down → up', () => {
  assert.equal(isStale(null), false);
  assert.equal(isStale(UP), false);
  assert.equal(isStale(DOWN), true);
  assert.equal(cameBack(DOWN, UP), true);
  assert.equal(cameBack(null, UP), false);
  assert.equal(cameBack(UP, UP), false);
  assert.equal(cameBack(DOWN, DOWN), false);
});

test('libvirt going away keeps the lists but drops live CPU and memory figures', () => {
  const s = {
    ...initialState({ path: '/vms', search: '' }),
    vms: {
      data: [vm, { ...vm, uuid: 'b', state: 'shutoff' as const, cpuPercent: null, memoryUsedMiB: null }],
      loading: false,
      error: null,
    },
    vm: { data: detail, loading: false, error: null },
  };
  const down = withHypervisorStatus(s, DOWN);
  assert.equal(down.hypervisor, DOWN);
  assert.deepEqual(
    down.vms.data?.map((v) => [v.name, v.state, v.cpuPercent, v.memoryUsedMiB]),
    [
      ['web', 'running', null, null],
      ['web', 'shutoff', null, null],
    ],
  );
  assert.equal(down.vms.data?.[1], s.vms.data[1], 'a VM without figures is the same object');
  assert.equal(down.vm.data?.cpuPercent, null);
  assert.equal(down.vm.data?.memoryUsedMiB, null);
  assert.deepEqual(down.vm.data?.cpu, detail.cpu, 'the rest of the detail stays');

  const again = withHypervisorStatus(down, { ...DOWN, error: 'still gone' });
  assert.equal(again.vms, down.vms, 'nothing to drop twice');
  const up = withHypervisorStatus(down, UP);
  assert.equal(up.vms, down.vms, 'coming back changes nothing by itself: the pages read again');
});

test("a page's HYPERVISOR_UNAVAILABLE error is left to the banner, other errors stay", () => {
  const gone = { code: 'HYPERVISOR_UNAVAILABLE', message: 'libvirt is not running' };
  const notFound = { code: 'VM_NOT_FOUND', message: 'no such VM' };
  assert.equal(errorBesideBanner(gone, DOWN), null);
  assert.equal(errorBesideBanner(gone, UP), gone, 'without the banner the error must show');
  assert.equal(errorBesideBanner(notFound, DOWN), notFound);
  assert.equal(errorBesideBanner(null, DOWN), null);
});
