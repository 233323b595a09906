import {
  DiskTarget,
  MacAddress,
  VirtUuid,
  VmDiskAdd,
  VmDiskRemoveQuery,
  VmDiskUpdate,
  VmHardwareUpdate,
  VmNicAdd,
  VmNicUpdate,
} from '@quantix/shared';
import { actor, parseOr400, requireUser } from '@quantix/shared/server';
import { Router } from 'express';
import { type TaskSink, taskProgress } from '../tasks/task-progress.ts';
import type { VmHardwareService } from './vm-hardware.service.ts';

/** `/api/v1/vms/:uuid/hardware…`: the Hardware tab (PROTOCOL.md, "VM hardware"). */
export function vmHardwareRoutes(deps: { hardware: VmHardwareService; tasks: TaskSink }): Router {
  const { hardware } = deps;
  const r = Router();
  const uuid = (v: unknown) => parseOr400(VirtUuid, v);
  const target = (v: unknown) => parseOr400(DiskTarget, v);
  const mac = (v: unknown) => parseOr400(MacAddress, v);

  r.get('/:uuid/hardware', async (req, res) => {
    res.json(await hardware.get(uuid(req.params.uuid)));
  });
  r.get('/:uuid/hardware/xml', async (req, res) => {
    res.json(await hardware.xml(uuid(req.params.uuid)));
  });
  r.patch('/:uuid/hardware', requireUser, async (req, res) => {
    const body = parseOr400(VmHardwareUpdate, req.body);
    res.json(await hardware.update(uuid(req.params.uuid), body, actor(req)));
  });
  r.post('/:uuid/hardware/disks', requireUser, async (req, res) => {
    const body = parseOr400(VmDiskAdd, req.body);
    res
      .status(201)
      .json(await hardware.addDisk(uuid(req.params.uuid), body, actor(req), taskProgress(deps.tasks, req)));
  });
  r.patch('/:uuid/hardware/disks/:target', requireUser, async (req, res) => {
    const body = parseOr400(VmDiskUpdate, req.body);
    res.json(await hardware.updateDisk(uuid(req.params.uuid), target(req.params.target), body, actor(req)));
  });
  r.delete('/:uuid/hardware/disks/:target', requireUser, async (req, res) => {
    const q = parseOr400(VmDiskRemoveQuery, req.query);
    res.json(
      await hardware.removeDisk(
        uuid(req.params.uuid),
        target(req.params.target),
        { deleteVolume: q.deleteVolume === 'true' },
        actor(req),
      ),
    );
  });
  r.post('/:uuid/hardware/nics', requireUser, async (req, res) => {
    const body = parseOr400(VmNicAdd, req.body);
    res.status(201).json(await hardware.addNic(uuid(req.params.uuid), body, actor(req)));
  });
  r.patch('/:uuid/hardware/nics/:mac', requireUser, async (req, res) => {
    const body = parseOr400(VmNicUpdate, req.body);
    res.json(await hardware.updateNic(uuid(req.params.uuid), mac(req.params.mac), body, actor(req)));
  });
  r.delete('/:uuid/hardware/nics/:mac', requireUser, async (req, res) => {
    res.json(await hardware.removeNic(uuid(req.params.uuid), mac(req.params.mac), actor(req)));
  });
  return r;
}
