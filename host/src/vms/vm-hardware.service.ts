import type { VmHardware, VmXmlPair } from '@quantix/shared';
import { pendingItems, parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import { createHardwareCore, type HardwareDeps } from './vm-hardware-core.ts';
import { createDiskEdits, type DiskEdits } from './vm-hardware-disks.ts';
import { createNicEdits, type NicEdits } from './vm-hardware-nics.ts';
import { createSettingsEdits, type SettingsEdits } from './vm-hardware-settings.ts';

export type { Progress } from './vm-hardware-core.ts';

/**
 * The VM page's Hardware tab: what a VM has (live and at its next start) and every edit of it.
 * The rules of one edit: vm-hardware-core.ts; the edits: settings, disks, NICs.
 */
export interface VmHardwareService extends SettingsEdits, DiskEdits, NicEdits {
  get(uuid: string): Promise<VmHardware>;
  /** both definitions' XML, and what differs between them */
  xml(uuid: string): Promise<VmXmlPair>;
}

export function createVmHardwareService(deps: HardwareDeps): VmHardwareService {
  const core = createHardwareCore(deps);
  return {
    get: (uuid) => core.view(uuid),
    async xml(uuid) {
      const h = core.hv();
      const info = await h.domain(uuid);
      const [config, live] = await Promise.all([
        h.domainXml(uuid, { inactive: true }),
        info.active ? h.domainXml(uuid) : Promise.resolve(null),
      ]);
      return {
        live,
        config,
        pending: pendingItems(live ? parseHardwareXml(live) : null, parseHardwareXml(config)),
      };
    },
    ...createSettingsEdits(core),
    ...createDiskEdits(core),
    ...createNicEdits(core),
  };
}
