import { join } from 'node:path';
import { EventsState } from '@quantix/shared';
import { createEventStore, type EventStore, openJsonStore } from '@quantix/shared/server';
import pino from 'pino';
import { createHypervisorMonitor, type HypervisorMonitor } from '../../hypervisor/hypervisor-monitor.ts';
import { openHypervisor } from '../../hypervisor/open-hypervisor.ts';
import { createFileBrowser, type FileBrowser } from '../../storage/files/file-browser.service.ts';
import { createStorageService, type StorageService } from '../../storage/pools/pool.service.ts';
import { createCpuProbe } from '../../vms/cpu-probe.ts';
import { createVmInventory } from '../../vms/vm-inventory.ts';
import { createVmService, type VmService } from '../../vms/vm.service.ts';

// Test support (not a test file): the host's real services, built as main.ts builds them, on
// libvirt's test driver (libvirt-dbus on a private bus), with the event log in `dir`.

export interface TestServices {
  monitor: HypervisorMonitor;
  storage: StorageService;
  vms: VmService;
  browser: FileBrowser;
  events: EventStore;
  close(): Promise<void>;
}

export async function openTestServices(dir: string): Promise<TestServices> {
  const log = pino({ level: 'silent' });
  const monitor = createHypervisorMonitor({
    uri: 'test:///default',
    log,
    open: () =>
      openHypervisor({ uri: 'test:///default', runtimeDir: join(dir, 'run'), log, preferSystemBus: false }),
  });
  const events = createEventStore({
    store: await openJsonStore({
      file: join(dir, 'events.json'),
      schema: EventsState,
      initial: () => ({ schema: 1 as const, nextSeq: 0, events: [] }),
    }),
  });
  const cpu = createCpuProbe({ monitor, log });
  const inventory = createVmInventory({ monitor, log, ignore: cpu.isProbeGuest });
  let vms: VmService | null = null;
  const storage = createStorageService({
    monitor,
    events,
    diskUsers: () => vms?.diskUsers() ?? Promise.resolve([]),
    deviceUsage: async () => [],
  });
  vms = createVmService({ monitor, inventory, storage, events, live: () => undefined, cpu });
  await monitor.start();
  if (!monitor.status().available) throw new Error(`libvirt test driver: ${monitor.status().error}`);
  await inventory.ready();
  return {
    monitor,
    storage,
    vms,
    browser: createFileBrowser(),
    events,
    close: async () => {
      await cpu.close();
      await monitor.close();
      // events recorded without waiting (the services' way) are still being written: let them land
      await events.flush();
    },
  };
}
