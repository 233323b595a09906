import type { LinkList } from '@quantix/shared';
import { Router } from 'express';
import type { LinkServer } from './link-server.ts';

/**
 * `/api/v1/links`: every link's live state as the hub holds it (removing a host is
 * `DELETE /api/v1/hosts/:hostId`). Mounted behind the session guard.
 */
export function linkRoutes(deps: { links: LinkServer }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    const body: LinkList = { hosts: deps.links.all() };
    res.json(body);
  });
  return r;
}
