import { VirtUuid } from '@quantix/shared';
import { parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import { z } from 'zod';
import type { VmGuestService } from './vm-guest.ts';
import type { PlatformProbe } from './vm-platform-probe.ts';

const GuestQuery = z.object({ refresh: z.enum(['true', 'false']).default('false') });

/** Issue 9 (slice-os), mounted on /api/v1/hypervisor: what firmware and TPM new VMs may get. */
export function firmwareRoutes(deps: { platform: PlatformProbe }): Router {
  const r = Router();
  r.get('/firmware', async (_req, res) => {
    res.json(await deps.platform.capabilities());
  });
  return r;
}

/** Issue 9 (slice-os), mounted on /api/v1/vms: the guest agent's answers. */
export function vmGuestRoutes(deps: { guest: VmGuestService }): Router {
  const r = Router();
  r.get('/:uuid/guest', async (req, res) => {
    const uuid = parseOr400(VirtUuid, req.params.uuid);
    const q = parseOr400(GuestQuery, req.query);
    res.json(await deps.guest.info(uuid, { refresh: q.refresh === 'true' }));
  });
  return r;
}
