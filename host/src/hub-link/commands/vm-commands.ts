import type { VmSummary } from '@quantix/shared';
import type { VmService } from '../../vms/vm.service.ts';
import type { CommandHandlers } from './dispatch.ts';

/** `vms.list` → `{ vms }` (as `GET /api/v1/vms`); `vm.action` → the VM's `VmSummary` after it. */
export function vmCommands(deps: {
  vms: Pick<VmService, 'list' | 'action'>;
}): Pick<CommandHandlers, 'vms.list' | 'vm.action'> {
  return {
    'vms.list': async (): Promise<{ vms: VmSummary[] }> => ({ vms: deps.vms.list() }),
    'vm.action': (cmd, ctx) => deps.vms.action(cmd.uuid, cmd.action, ctx.by),
  };
}
