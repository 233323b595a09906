import { PoolCreateRequest, VirtName, VolumeCreateRequest, VolumeName } from '@quantix/shared';
import { Router } from 'express';
import { z } from 'zod';
import { actor, parseOr400, requireUser } from '@quantix/shared/server';
import { type TaskSink, taskProgress } from '../../tasks/task-progress.ts';
import type { StorageService } from './pool.service.ts';

const Autostart = z.strictObject({ autostart: z.boolean() });
const Resize = z.strictObject({ sizeGiB: z.number().positive().max(65_536) });

export function poolRoutes(deps: { storage: StorageService; tasks: TaskSink }): Router {
  const { storage } = deps;
  const r = Router();
  const name = (v: unknown) => parseOr400(VirtName, v);
  r.get('/pools', async (_req, res) => {
    res.json({ pools: await storage.listPools() });
  });
  r.post('/pools', requireUser, async (req, res) => {
    const body = parseOr400(PoolCreateRequest, req.body);
    const progress = taskProgress(deps.tasks, req, `Create storage pool "${body.name}"`);
    let step = 0;
    res.status(201).json(await storage.createPool(body, actor(req), (m) => progress(++step, 4, m)));
  });
  r.get('/pools/:pool', async (req, res) => {
    const { info: _info, ...summary } = await storage.pool(name(req.params.pool));
    res.json(summary);
  });
  r.post('/pools/:pool/start', requireUser, async (req, res) => {
    await storage.startPool(name(req.params.pool), actor(req));
    res.status(204).end();
  });
  r.post('/pools/:pool/stop', requireUser, async (req, res) => {
    await storage.stopPool(name(req.params.pool), actor(req));
    res.status(204).end();
  });
  r.put('/pools/:pool/autostart', requireUser, async (req, res) => {
    await storage.setPoolAutostart(name(req.params.pool), parseOr400(Autostart, req.body).autostart);
    res.status(204).end();
  });
  r.delete('/pools/:pool', requireUser, async (req, res) => {
    await storage.deletePool(name(req.params.pool), actor(req));
    res.status(204).end();
  });
  r.get('/pools/:pool/volumes', async (req, res) => {
    res.json(await storage.listVolumesReport(name(req.params.pool)));
  });
  r.post('/pools/:pool/volumes', requireUser, async (req, res) => {
    const body = parseOr400(VolumeCreateRequest, req.body);
    res.status(201).json(await storage.createVolume(name(req.params.pool), body, actor(req)));
  });
  r.delete('/pools/:pool/volumes/:volume', requireUser, async (req, res) => {
    await storage.deleteVolume(name(req.params.pool), parseOr400(VolumeName, req.params.volume), actor(req));
    res.status(204).end();
  });
  r.post('/pools/:pool/volumes/:volume/resize', requireUser, async (req, res) => {
    const body = parseOr400(Resize, req.body);
    await storage.resizeVolume(
      name(req.params.pool),
      parseOr400(VolumeName, req.params.volume),
      body.sizeGiB,
      actor(req),
    );
    res.status(204).end();
  });
  return r;
}
