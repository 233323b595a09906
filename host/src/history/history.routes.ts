import { HistoryQuery, VirtUuid } from '@quantix/shared';
import { parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import type { HistoryRecorder } from './history-recorder.ts';

/** `GET /telemetry/history?range=` — the host's metrics history. */
export function hostHistoryRoutes(deps: { history: HistoryRecorder }): Router {
  const r = Router();
  r.get('/history', async (req, res) => {
    const q = parseOr400(HistoryQuery, req.query);
    res.json(await deps.history.host(q.range));
  });
  return r;
}

/** `GET /vms/:uuid/history?range=` — one VM's metrics history. */
export function vmHistoryRoutes(deps: { history: HistoryRecorder }): Router {
  const r = Router();
  r.get('/:uuid/history', async (req, res) => {
    const uuid = parseOr400(VirtUuid, req.params.uuid);
    const q = parseOr400(HistoryQuery, req.query);
    res.json(await deps.history.vm(uuid, q.range));
  });
  return r;
}
