// @quantix/shared/testing: record fixtures for the tests of both UIs and both servers (plain
// data, browser-safe; never imported by anything that ships).
import type { VmSummary } from './virt-vm.ts';

/** A stopped one-vCPU VM as libvirt would list it; override what a test is about. */
export function vmSummaryFixture(over: Partial<VmSummary> = {}): VmSummary {
  return {
    uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
    name: 'web',
    state: 'shutoff',
    vcpus: 1,
    memoryMiB: 512,
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
