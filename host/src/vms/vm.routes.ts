import {
  SnapshotCreateRequest,
  VirtName,
  VirtUuid,
  VmAction,
  VmCpuUpdate,
  VmCreateRequest,
  VmTagsUpdate,
} from '@quantix/shared';
import { Router } from 'express';
import { z } from 'zod';
import { actor, parseOr400, requireUser } from '@quantix/shared/server';
import { type TaskSink, taskProgress } from '../tasks/task-progress.ts';
import type { VmTags } from './vm-tags.ts';
import type { VmService } from './vm.service.ts';

const Autostart = z.strictObject({ autostart: z.boolean() });
const DeleteQuery = z.object({ deleteVolumes: z.enum(['true', 'false']).default('false') });

export function vmRoutes(deps: { vms: VmService; tasks: TaskSink; tags?: VmTags }): Router {
  const { vms } = deps;
  const r = Router();
  const uuid = (v: unknown) => parseOr400(VirtUuid, v);
  r.get('/', (_req, res) => {
    res.json({ vms: vms.list() });
  });
  r.post('/', requireUser, async (req, res) => {
    const body = parseOr400(VmCreateRequest, req.body);
    res
      .status(201)
      .json(await vms.create(body, actor(req), taskProgress(deps.tasks, req, `Create VM "${body.name}"`)));
  });
  r.get('/:uuid', async (req, res) => {
    res.json(await vms.detail(uuid(req.params.uuid)));
  });
  r.get('/:uuid/xml', async (req, res) => {
    res.json({ xml: await vms.xml(uuid(req.params.uuid)) });
  });
  r.post('/:uuid/actions/:action', requireUser, async (req, res) => {
    const action = parseOr400(VmAction, req.params.action);
    res.json(await vms.action(uuid(req.params.uuid), action, actor(req)));
  });
  r.put('/:uuid/autostart', requireUser, async (req, res) => {
    const body = parseOr400(Autostart, req.body);
    res.json(await vms.setAutostart(uuid(req.params.uuid), body.autostart, actor(req)));
  });
  r.put('/:uuid/cpu', requireUser, async (req, res) => {
    const body = parseOr400(VmCpuUpdate, req.body);
    res.json(await vms.setCpu(uuid(req.params.uuid), body.cpu, actor(req)));
  });
  r.delete('/:uuid', requireUser, async (req, res) => {
    const q = parseOr400(DeleteQuery, req.query);
    const id = uuid(req.params.uuid);
    const name = vms.list().find((v) => v.uuid === id)?.name ?? id;
    const title = q.deleteVolumes === 'true' ? `Delete VM "${name}" and its disks` : `Delete VM "${name}"`;
    await vms.remove(
      id,
      { deleteVolumes: q.deleteVolumes === 'true' },
      actor(req),
      taskProgress(deps.tasks, req, title),
    );
    res.status(204).end();
  });
  r.get('/:uuid/snapshots', async (req, res) => {
    res.json({ snapshots: await vms.snapshots(uuid(req.params.uuid)) });
  });
  r.post('/:uuid/snapshots', requireUser, async (req, res) => {
    const body = parseOr400(SnapshotCreateRequest, req.body);
    // a task (start, end, outcome) even though the service reports no steps
    taskProgress(deps.tasks, req, `Snapshot "${body.name}"`);
    await vms.createSnapshot(uuid(req.params.uuid), body, actor(req));
    res.status(201).json({ snapshots: await vms.snapshots(uuid(req.params.uuid)) });
  });
  r.post('/:uuid/snapshots/:name/revert', requireUser, async (req, res) => {
    const snapshot = parseOr400(VirtName, req.params.name);
    taskProgress(deps.tasks, req, `Revert to snapshot "${snapshot}"`);
    await vms.revertSnapshot(uuid(req.params.uuid), snapshot, actor(req));
    res.status(204).end();
  });
  r.delete('/:uuid/snapshots/:name', requireUser, async (req, res) => {
    await vms.deleteSnapshot(uuid(req.params.uuid), parseOr400(VirtName, req.params.name), actor(req));
    res.status(204).end();
  });
  // ---- VM list at scale: tags ----
  const { tags } = deps;
  if (tags) {
    r.put('/:uuid/tags', requireUser, async (req, res) => {
      const body = parseOr400(VmTagsUpdate, req.body);
      res.json(await tags.set(uuid(req.params.uuid), body.tags, actor(req)));
    });
  }
  return r;
}
