import type { HubInfo } from '@quantix/shared';
import { Router } from 'express';

export function hubRoutes(deps: { info: () => HubInfo }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.json(deps.info());
  });
  return r;
}
