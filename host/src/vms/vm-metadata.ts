import type { VmMetadata } from '@quantix/shared';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { DomainInfo } from '../hypervisor/hypervisor.ts';
import {
  buildVmMetadataXml,
  parseVmMetadata,
  VM_METADATA,
  withMetadataOf,
} from '../libvirt-xml/vm-metadata.ts';

export interface VmMetadataWriter {
  /**
   * Reads the VM's Quantix metadata from its persistent definition, applies `change` and writes it
   * back. Updates of one VM run one after the other, so two never lose each other's change.
   */
  update(uuid: string, change: (m: VmMetadata) => VmMetadata): Promise<VmMetadata>;
  /**
   * Defines a whole edited definition of the VM (read earlier, e.g. before a volume was created)
   * with the metadata it has NOW, in the same queue as `update`: a tag or the template flag
   * written while the edit ran is kept, never overwritten by the edit's older copy.
   */
  define(uuid: string, xml: string): Promise<DomainInfo>;
  /** runs `fn` in the VM's queue (nothing else of this writer runs for the VM meanwhile) */
  exclusive<T>(uuid: string, fn: () => Promise<T>): Promise<T>;
}

export function createVmMetadataWriter(deps: { monitor: HypervisorMonitor }): VmMetadataWriter {
  const queues = new Map<string, Promise<unknown>>();
  const exclusive = <T>(uuid: string, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(uuid) ?? Promise.resolve()).catch(() => undefined).then(fn);
    queues.set(uuid, next);
    void next
      .finally(() => {
        if (queues.get(uuid) === next) queues.delete(uuid);
      })
      .catch(() => undefined);
    return next;
  };
  return {
    exclusive,
    update: (uuid, change) =>
      exclusive(uuid, async () => {
        const h = deps.monitor.get();
        const current = parseVmMetadata(await h.domainXml(uuid, { inactive: true }));
        const updated = change(current);
        await h.setDomainMetadata(uuid, { ...VM_METADATA, xml: buildVmMetadataXml(updated) });
        return updated;
      }),
    define: (uuid, xml) =>
      exclusive(uuid, async () => {
        const h = deps.monitor.get();
        return h.defineDomain(withMetadataOf(xml, await h.domainXml(uuid, { inactive: true })));
      }),
  };
}
