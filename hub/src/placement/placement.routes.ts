import { type PlacementAnswer, PlacementQuery } from '@quantix/shared';
import { parseOr400 } from '@quantix/shared/server';
import { Router } from 'express';
import type { PlacementService } from './placement.service.ts';

/**
 * Mounted at `/api/v1/placement` (session):
 *   GET /?pools=a,b → PlacementAnswer: every host, eligible first, with why the others are not
 */
export function createPlacementRoutes(deps: { placement: PlacementService }): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const { pools } = parseOr400(PlacementQuery, { pools: '', ...req.query });
    const answer: PlacementAnswer = { candidates: await deps.placement.candidates(pools) };
    res.json(answer);
  });
  return r;
}
