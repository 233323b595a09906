import { type HostVmList, HostVmActionParams, HostVmsParams, HubVmCreateRequest } from '@quantix/shared';
import { parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import { requestUser } from '../pools/request-user.ts';
import type { VmsService } from './vms.service.ts';

/**
 * Mounted at `/api/v1` (session):
 *   POST /vms                                         HubVmCreateRequest → 201 VmDetail
 *   GET  /hosts/:hostId/vms                           → HostVmList `{ vms }`
 *   POST /hosts/:hostId/vms/:uuid/actions/:action     → VmSummary
 */
export function createVmsRoutes(deps: { vms: VmsService }): Router {
  const r = Router();
  r.post('/vms', async (req, res) => {
    const body = parseOr400(HubVmCreateRequest, req.body);
    res.status(201).json(await deps.vms.create(body, requestUser(req)));
  });
  r.get('/hosts/:hostId/vms', async (req, res) => {
    const { hostId } = parseOr400(HostVmsParams, req.params);
    const body: HostVmList = { vms: await deps.vms.list(hostId) };
    res.json(body);
  });
  r.post('/hosts/:hostId/vms/:uuid/actions/:action', async (req, res) => {
    const { hostId, uuid, action } = parseOr400(HostVmActionParams, req.params);
    res.json(await deps.vms.action(hostId, uuid, action, requestUser(req)));
  });
  return r;
}
