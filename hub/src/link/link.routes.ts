import type { LinkList } from '@quantix/shared';
import { actor, parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import { z } from 'zod';
import type { EventStore } from '@quantix/shared/server';
import type { HubStore } from '../store/hub-store.ts';
import { removeHost } from './host-removal.ts';
import type { LinkServer } from './link-server.ts';

/**
 * `/api/v1/links`: the links' live state as the hub holds it, and removing a host (told over its
 * link first). Mounted behind the session guard.
 */
export function linkRoutes(deps: {
  links: LinkServer;
  store: HubStore;
  events: EventStore;
  hubName: string;
}): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    const body: LinkList = { hosts: deps.links.all() };
    res.json(body);
  });
  r.delete('/:hostId', async (req, res) => {
    const hostId = parseOr400(z.uuid(), req.params.hostId);
    await removeHost(deps, hostId, actor(req));
    res.status(204).end();
  });
  return r;
}
