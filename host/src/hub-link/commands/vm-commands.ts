import type { VmSummary } from '@quantix/shared';
import type { VmService } from '../../vms/vm.service.ts';
import type { CommandHandlers } from './dispatch.ts';

/**
 * `vms.list` → `{ vms }` (as `GET /api/v1/vms`); `vm.action` → the VM's `VmSummary` after it;
 * `vm.create` → `VmDetail`, for a hub that placed a VM here: the same checks (name, pools running,
 * free space, CPU), roll-back and event as the host's own `POST /vms`.
 */
export function vmCommands(deps: {
  vms: Pick<VmService, 'list' | 'action' | 'create'>;
}): Pick<CommandHandlers, 'vms.list' | 'vm.action' | 'vm.create'> {
  return {
    'vms.list': async (): Promise<{ vms: VmSummary[] }> => ({ vms: deps.vms.list() }),
    'vm.action': (cmd, ctx) => deps.vms.action(cmd.uuid, cmd.action, ctx.by),
    'vm.create': (cmd, ctx) => deps.vms.create(cmd.vm, ctx.by),
  };
}
