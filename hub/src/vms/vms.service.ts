import {
  AppError,
  HostVmList,
  type HubVmCreateRequest,
  type VmAction,
  VmDetail,
  VmSummary,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HostLinks } from '../link/host-links.ts';
import type { PlacementService } from '../placement/placement.service.ts';
import { poolsOfVm, refusalError } from '../placement/placement.ts';
import { parseAnswer } from '../pools/host-answer.ts';
import type { HubStore } from '../store/hub-store.ts';

/** Creating the disks and defining the VM; a large raw disk on NFS is not instant. */
export const VM_CREATE_TIMEOUT_MS = 120_000;

export interface VmsService {
  /** placed on `req.hostId` after the same check as GET /placement, then created by that host */
  create(req: HubVmCreateRequest, by: string): Promise<VmDetail>;
  list(hostId: string): Promise<VmSummary[]>;
  action(hostId: string, uuid: string, action: VmAction, by: string): Promise<VmSummary>;
}

export function createVmsService(deps: {
  store: Pick<HubStore, 'getHost'>;
  links: Pick<HostLinks, 'command'>;
  placement: PlacementService;
  events: Pick<EventStore, 'record'>;
}): VmsService {
  const record = (level: 'info' | 'warning', message: string, by: string) =>
    void deps.events.record({ level, category: 'vm', message, source: by });
  const host = async (hostId: string) => {
    const h = await deps.store.getHost(hostId);
    if (!h) throw new AppError('HOST_NOT_FOUND', `no host ${hostId} on this hub`);
    return h;
  };

  return {
    async create(req, by) {
      const candidate = (await deps.placement.candidates(poolsOfVm(req.vm))).find(
        (c) => c.hostId === req.hostId,
      );
      if (!candidate) throw new AppError('HOST_NOT_FOUND', `no host ${req.hostId} on this hub`);
      const refused = refusalError(candidate);
      if (refused) throw refused;
      try {
        const vm = parseAnswer(
          VmDetail,
          await deps.links.command(req.hostId, { type: 'vm.create', vm: req.vm }, VM_CREATE_TIMEOUT_MS),
          'vm.create',
        );
        record(
          'info',
          `VM "${vm.name}" created on ${candidate.hostname} (${req.vm.vcpus} vCPU, ${req.vm.memoryMiB} MiB)`,
          by,
        );
        return vm;
      } catch (err) {
        record(
          'warning',
          `Creating VM "${req.vm.name}" on ${candidate.hostname} failed: ${(err as Error).message}`,
          by,
        );
        throw err;
      }
    },
    async list(hostId) {
      await host(hostId);
      return parseAnswer(HostVmList, await deps.links.command(hostId, { type: 'vms.list' }), 'vms.list').vms;
    },
    async action(hostId, uuid, action, by) {
      const h = await host(hostId);
      const vm = parseAnswer(
        VmSummary,
        await deps.links.command(hostId, { type: 'vm.action', uuid, action }),
        'vm.action',
      );
      record('info', `VM "${vm.name}" on ${h.hostname}: ${action}`, by);
      return vm;
    },
  };
}
