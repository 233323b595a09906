import type { HostSummary } from '@quantix/shared';
import { Router } from 'express';

export function hostRoutes(deps: { summary: () => HostSummary }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.json(deps.summary());
  });
  return r;
}
