import type { HostStatus, HubHost } from '@quantix/shared';

let n = 0;

/** A valid adopted host for the tests, connected with a dull status unless told otherwise. */
export function hubHost(
  over: Omit<Partial<HubHost>, 'status'> & { status?: Partial<HostStatus> | null } = {},
): HubHost {
  n++;
  const hostId = over.hostId ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const hostname = over.hostname ?? `kvm${n}`;
  const { status: statusOver, ...rest } = over;
  const status: HostStatus | null =
    statusOver === null
      ? null
      : {
          at: '2026-01-01T00:00:00.000Z',
          hostname,
          version: '0.1.0',
          hypervisorAvailable: true,
          cpuPercent: 50,
          cpuCount: 8,
          memoryTotalBytes: 16 * 2 ** 30,
          memoryUsedBytes: 4 * 2 ** 30,
          vms: { total: 3, running: 2 },
          pools: [],
          ...statusOver,
        };
  return {
    hostId,
    hostname,
    url: `https://${hostname}.example.test:8443`,
    spki: `sha256:${'a'.repeat(64)}`,
    version: '0.1.0',
    via: 'token',
    adoptedAt: '2026-01-01T00:00:00.000Z',
    state: 'connected',
    stateReason: null,
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    maintenance: false,
    inventory: {
      collectedAt: '2026-01-01T00:00:00.000Z',
      hostname,
      managementIp: null,
      cpu: {
        model: 'Test CPU',
        vendor: 'Test',
        sockets: 1,
        cores: 4,
        threads: 8,
        mhz: 2000,
        virtualization: [],
        kvm: true,
      },
      memory: { total: 16 * 2 ** 30, available: 12 * 2 ** 30, swapTotal: 0, swapFree: 0 },
      disks: [],
      filesystems: [],
      nfsMounts: [],
      networkInterfaces: [],
      gpus: [],
      os: { distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      libvirt: { version: '9.0.0', status: 'available' },
      warnings: [],
    },
    ...rest,
    status,
  };
}
