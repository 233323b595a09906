import type { HypervisorStatus } from '@quantix/shared';

export { routedHttp } from '@quantix/shared/ui/api/fake-http.test-helper.ts';

export const HYPERVISOR_UP: HypervisorStatus = {
  available: true,
  uri: 'qemu:///system',
  testDriver: false,
  hostname: 'kvm1',
  libvirtVersion: '9.0.0',
  error: null,
};
