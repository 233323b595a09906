import { AppError, type VmSummary, type VmTag } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { VmInventory } from './vm-inventory.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';

export interface VmTags {
  /** Replaces the VM's tags (sorted, without duplicates) and answers the VM as the list shows it. */
  set(uuid: string, tags: VmTag[], by: string): Promise<VmSummary>;
}

export function createVmTags(deps: {
  metadata: VmMetadataWriter;
  inventory: Pick<VmInventory, 'ready' | 'get' | 'refresh'>;
  /** the list's view of a VM (VmService.list) */
  list: () => VmSummary[];
  events: Pick<EventStore, 'record'>;
}): VmTags {
  return {
    async set(uuid, tags, by) {
      await deps.inventory.ready();
      const r = deps.inventory.get(uuid) ?? (await deps.inventory.refresh(uuid));
      if (!r) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
      const wanted = [...new Set(tags)].sort();
      await deps.metadata.update(uuid, (m) => ({ ...m, tags: wanted }));
      // the re-read pushes vm:changed, so every open list shows the new tags
      await deps.inventory.refresh(uuid);
      const shown = wanted.length ? wanted.join(', ') : '(none)';
      void deps.events.record({
        level: 'info',
        category: 'vm',
        message: `VM "${r.info.name}": tags set to ${shown}`,
        source: by,
      });
      const vm = deps.list().find((v) => v.uuid === uuid);
      if (!vm) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
      return vm;
    },
  };
}
