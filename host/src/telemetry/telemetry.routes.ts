import { MetricsHistoryQuery } from '@quantix/shared';
import { Router } from 'express';
import { parseOr400 } from '@quantix/shared/server';
import type { TelemetrySampler } from './sampler.ts';

/** REST reads keep the sampler running this long, so a poller sees fresh data without a socket. */
const REST_LEASE_MS = 10_000;
const FRESH_MS = 2_000;

export function telemetryRoutes(deps: { sampler: TelemetrySampler; now?: () => number }): Router {
  const { sampler } = deps;
  const now = deps.now ?? Date.now;
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    sampler.lease(REST_LEASE_MS);
    const latest = sampler.latest();
    res.json(latest && now() - latest.t < FRESH_MS ? latest : await sampler.nextSample());
  });
  r.get('/metrics/history', (req, res) => {
    const q = parseOr400(MetricsHistoryQuery, req.query);
    res.json({ samples: sampler.history(q.seconds) });
  });
  return r;
}
