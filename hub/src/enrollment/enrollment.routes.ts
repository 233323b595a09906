import { EnrollmentCreateRequest, EnrollmentId } from '@quantix/shared';
import { actor, parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import type { EnrollmentService } from './enrollment.service.ts';

/** `/api/v1/enrollments`: mint, list and revoke `qxh1.` strings. Mounted behind the session guard. */
export function enrollmentRoutes(deps: { enrollments: EnrollmentService }): Router {
  const { enrollments } = deps;
  const r = Router();
  r.post('/', async (req, res) => {
    const body = parseOr400(EnrollmentCreateRequest, req.body ?? {});
    res.status(201).json(await enrollments.mint(body, actor(req)));
  });
  r.get('/', async (_req, res) => {
    res.json({ enrollments: await enrollments.list() });
  });
  r.delete('/:id', async (req, res) => {
    const id = parseOr400(EnrollmentId, req.params.id);
    await enrollments.revoke(id, actor(req));
    res.status(204).end();
  });
  return r;
}
