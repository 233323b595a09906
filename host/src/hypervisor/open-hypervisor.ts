import type { Logger } from '@quantix/shared/server';
import { connectDbus, type DbusClient } from './dbus-client.ts';
import { createDbusHypervisor } from './dbus-hypervisor.ts';
import type { Hypervisor } from './hypervisor.ts';
import { type LibvirtBus, startLibvirtBus } from './libvirt-bus.ts';

/** Starts (or finds) libvirt-dbus and returns the hypervisor for `uri`, plus a close for both. */
export async function openHypervisor(deps: {
  uri: string;
  runtimeDir: string;
  log: Logger;
  preferSystemBus?: boolean;
  /** a D-Bus address where libvirt-dbus answers, instead of the system bus or a private one */
  busAddress?: string;
}): Promise<{ hypervisor: Hypervisor; bus: LibvirtBus; close: () => Promise<void> }> {
  const bus = await startLibvirtBus({
    runtimeDir: deps.runtimeDir,
    log: deps.log,
    preferSystemBus: deps.preferSystemBus ?? true,
    systemBusHasLibvirt: () => systemBusHasLibvirt(),
    ...(deps.busAddress !== undefined && { address: deps.busAddress }),
  });
  let client: DbusClient;
  try {
    client = await connectDbus(bus.address);
  } catch (err) {
    await bus.close();
    throw err;
  }
  const hypervisor = createDbusHypervisor({ client, uri: deps.uri });
  await waitForService(hypervisor);
  return {
    hypervisor,
    bus,
    async close() {
      hypervisor.close();
      await bus.close();
    },
  };
}

/** libvirt-dbus takes a moment to claim its name on a fresh bus. */
async function waitForService(h: Hypervisor): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await h.status();
    if (s.available || !/ServiceUnknown|not provided|was not provided/i.test(s.error ?? '')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function systemBusHasLibvirt(): Promise<boolean> {
  try {
    const client = await connectDbus('unix:path=/run/dbus/system_bus_socket');
    try {
      const [names] = await client.callBus('ListActivatableNames');
      const [owned] = await client.callBus('ListNames');
      return [...((names ?? []) as string[]), ...((owned ?? []) as string[])].includes('org.libvirt');
    } finally {
      client.close();
    }
  } catch {
    return false;
  }
}
