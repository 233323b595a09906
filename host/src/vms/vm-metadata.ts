import type { VmMetadata } from '@quantix/shared';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { buildVmMetadataXml, parseVmMetadata, VM_METADATA } from '../libvirt-xml/vm-metadata.ts';

export interface VmMetadataWriter {
  /**
   * Reads the VM's Quantix metadata from its persistent definition, applies `change` and writes it
   * back. Updates of one VM run one after the other, so two never lose each other's change.
   */
  update(uuid: string, change: (m: VmMetadata) => VmMetadata): Promise<VmMetadata>;
}

export function createVmMetadataWriter(deps: { monitor: HypervisorMonitor }): VmMetadataWriter {
  const queues = new Map<string, Promise<unknown>>();
  return {
    update(uuid, change) {
      const prev = queues.get(uuid) ?? Promise.resolve();
      const next = prev
        .catch(() => undefined)
        .then(async () => {
          const h = deps.monitor.get();
          const current = parseVmMetadata(await h.domainXml(uuid, { inactive: true }));
          const updated = change(current);
          await h.setDomainMetadata(uuid, { ...VM_METADATA, xml: buildVmMetadataXml(updated) });
          return updated;
        });
      queues.set(uuid, next);
      void next.finally(() => {
        if (queues.get(uuid) === next) queues.delete(uuid);
      });
      return next;
    },
  };
}
