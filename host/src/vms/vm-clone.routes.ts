import { VirtUuid, VmCloneRequest } from '@quantix/shared';
import { Router } from 'express';
import { actor, parseOr400, requireUser } from '@quantix/shared/server';
import { type TaskSink, taskProgress } from '../tasks/task-progress.ts';
import type { VmCloneService } from './vm-clone.service.ts';

/**
 * Mounted at `/api/v1/vms` beside vmRoutes:
 *   POST /:uuid/clone          VmCloneRequest → 201 VmDetail (progress as task:progress)
 *   POST /:uuid/template       → VmSummary (the VM is a template from now on)
 *   GET  /:uuid/linked-clones  → { clones: LinkedClone[] }
 */
export function vmCloneRoutes(deps: { clones: VmCloneService; tasks: TaskSink }): Router {
  const r = Router();
  const uuid = (v: unknown) => parseOr400(VirtUuid, v);
  r.post('/:uuid/clone', requireUser, async (req, res) => {
    const body = parseOr400(VmCloneRequest, req.body);
    res
      .status(201)
      .json(
        await deps.clones.clone(
          uuid(req.params.uuid),
          body,
          actor(req),
          taskProgress(deps.tasks, req, `Clone to "${body.name}"`),
        ),
      );
  });
  r.post('/:uuid/template', requireUser, async (req, res) => {
    taskProgress(deps.tasks, req, 'Convert to template');
    res.json(await deps.clones.makeTemplate(uuid(req.params.uuid), actor(req)));
  });
  r.get('/:uuid/linked-clones', async (req, res) => {
    res.json({ clones: await deps.clones.linkedClones(uuid(req.params.uuid)) });
  });
  return r;
}
