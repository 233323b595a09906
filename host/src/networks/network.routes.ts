import { NetworkCreateRequest, VirtName } from '@quantix/shared';
import { Router } from 'express';
import { z } from 'zod';
import { actor, parseOr400, requireUser } from '@quantix/shared/server';
import type { NetworkService } from './network.service.ts';

const Autostart = z.strictObject({ autostart: z.boolean() });

export function networkRoutes(deps: { networks: NetworkService }): Router {
  const { networks } = deps;
  const r = Router();
  const name = (v: unknown) => parseOr400(VirtName, v);
  r.get('/', async (_req, res) => {
    res.json({ networks: await networks.list() });
  });
  r.post('/', requireUser, async (req, res) => {
    res.status(201).json(await networks.create(parseOr400(NetworkCreateRequest, req.body), actor(req)));
  });
  r.post('/:name/start', requireUser, async (req, res) => {
    await networks.start(name(req.params.name), actor(req));
    res.status(204).end();
  });
  r.post('/:name/stop', requireUser, async (req, res) => {
    await networks.stop(name(req.params.name), actor(req));
    res.status(204).end();
  });
  r.put('/:name/autostart', requireUser, async (req, res) => {
    await networks.setAutostart(name(req.params.name), parseOr400(Autostart, req.body).autostart);
    res.status(204).end();
  });
  r.delete('/:name', requireUser, async (req, res) => {
    await networks.remove(name(req.params.name), actor(req));
    res.status(204).end();
  });
  return r;
}
