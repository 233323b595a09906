import { EventQuery } from '@quantix/shared';
import { Router } from 'express';
import { parseOr400 } from '../http/errors.ts';
import type { EventStore } from './event-store.ts';

export function eventsRoutes(deps: { events: EventStore }): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const q = parseOr400(EventQuery, req.query);
    res.json({ events: deps.events.query(q) });
  });
  return r;
}
