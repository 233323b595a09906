import type { HostVmList, LinkCommand, VmDetail, VmSummary } from '@quantix/shared';
import type { VmService } from '../../vms/vm.service.ts';

export type VmCommand = Extract<LinkCommand, { type: 'vm.create' | 'vms.list' | 'vm.action' }>;

export interface VmCommandsDeps {
  vms: Pick<VmService, 'create' | 'list' | 'action'>;
}

/**
 * `vm.create` (→ `VmDetail`) for a hub that placed a VM here, through the VM service: the same
 * checks (name, pools running, free space, CPU), the same roll-back and the same event as the
 * host's own `POST /vms`. `vms.list` (→ `HostVmList`) and `vm.action` (→ `VmSummary`) answer from
 * the same service, for a dispatcher that routes them here.
 */
export function createVmCommands(deps: VmCommandsDeps) {
  return async (cmd: VmCommand, ctx: { hubName: string }): Promise<VmDetail | HostVmList | VmSummary> => {
    const by = `hub:${ctx.hubName}`;
    switch (cmd.type) {
      case 'vm.create':
        return deps.vms.create(cmd.vm, by);
      case 'vms.list':
        return { vms: deps.vms.list() };
      case 'vm.action':
        return deps.vms.action(cmd.uuid, cmd.action, by);
    }
  };
}
