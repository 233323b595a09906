import type { EventStore, Logger } from '@quantix/shared/server';
import { openJsonStore } from '@quantix/shared/server';
import { z } from 'zod';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { VmInventory } from './vm-inventory.ts';

/** guest-freezes.json: the VMs whose filesystems this host is freezing for a snapshot right now */
const FreezeMarksFile = z.object({ uuids: z.array(z.string().max(64)).max(10_000) });
type FreezeMarksFile = z.infer<typeof FreezeMarksFile>;

export interface FreezeMarks {
  /** on disk before the guest is frozen: a host killed before it thaws finds it at its next start */
  mark(uuid: string): Promise<void>;
  /** after the thaw */
  clear(uuid: string): Promise<void>;
  /**
   * Thaws the running VMs that a host stopped mid-freeze left marked (once libvirt answers and the
   * VM list has loaded), records an event for each, and drops their marks. Returns the VMs thawed.
   */
  recover(): Promise<string[]>;
}

export async function openFreezeMarks(deps: {
  file: string;
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  events: EventStore;
  log: Logger;
}): Promise<FreezeMarks> {
  const store = await openJsonStore<FreezeMarksFile>({
    file: deps.file,
    schema: FreezeMarksFile,
    initial: () => ({ uuids: [] }),
  });
  // what an earlier run left; marks made from now on are this run's own
  const leftOver = [...store.data.uuids];
  const hypervisorUp = () =>
    new Promise<void>((resolve) => {
      if (deps.monitor.status().available) return resolve();
      const off = deps.monitor.onChange((s) => {
        if (!s.available) return;
        off();
        resolve();
      });
    });
  const drop = (uuid: string) =>
    store.update((d) => {
      d.uuids = d.uuids.filter((u) => u !== uuid);
    });

  return {
    mark: (uuid) =>
      store.update((d) => {
        if (!d.uuids.includes(uuid)) d.uuids.push(uuid);
      }),
    clear: drop,
    async recover() {
      if (leftOver.length === 0) return [];
      const thawed: string[] = [];
      for (;;) {
        await hypervisorUp();
        await deps.inventory.ready();
        if (deps.inventory.loaded() && deps.monitor.status().available) break;
        // the load failed (it is retried) or libvirt went away again: wait a moment and look again
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
      for (const uuid of leftOver) {
        const r = deps.inventory.get(uuid);
        // a VM that is gone or stopped has no frozen filesystems left
        if (r?.info.active) {
          try {
            await deps.monitor.get().guestFsThaw(uuid);
            thawed.push(uuid);
            void deps.events.record({
              level: 'warning',
              category: 'vm',
              message: `VM "${r.info.name}": its filesystems, frozen for a snapshot when the host stopped, were thawed`,
              source: 'system',
            });
          } catch (err) {
            deps.log.warn({ err, vm: uuid }, 'could not thaw a guest left frozen');
            void deps.events.record({
              level: 'error',
              category: 'vm',
              message: `VM "${r.info.name}": its filesystems may still be frozen from a snapshot the host did not finish, and the guest agent did not thaw them: ${(err as Error).message}`,
              source: 'system',
            });
          }
        }
        await drop(uuid);
      }
      return thawed;
    },
  };
}
