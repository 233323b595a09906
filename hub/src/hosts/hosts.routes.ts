import { AddHostRequest, AppError, type HostList, MaintenanceUpdate } from '@quantix/shared';
import { limitPerAddress, parseOr400 } from '@quantix/shared/server';
import { type Request, Router } from 'express';
import type { HostsService } from './hosts.service.ts';

/** The event log's `source`: the logged-in admin (these routes sit behind `guarded`). */
function username(req: Request): string {
  const p = req.principal;
  if (p?.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'log in first');
  return p.username;
}

const hostIdOf = (req: Request) => String(req.params.hostId);

/** An `AddHostRequest`, refused like any adoption error: in the parse phase, naming the target. */
function addRequest(body: unknown): AddHostRequest {
  const r = AddHostRequest.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  const target = (body as { target?: unknown } | null)?.target;
  // a join string holds the token: never echoed
  const hostUrl =
    typeof target !== 'string' ? '' : target.trim().startsWith('qx1.') ? 'qx1.…' : target.slice(0, 200);
  throw new AppError('VALIDATION_FAILED', `${where}${issue?.message ?? 'invalid input'}`, {
    details: { phase: 'parse', hostUrl },
  });
}

/**
 * `/api/v1/hosts`. The routes that make the hub contact a host and send it a token are limited to
 * 30 a minute per address, like the host's token checks: they check a secret, and a stolen session
 * must not turn the hub into a scanner of the networks it reaches.
 */
export function hostsRoutes(deps: { hosts: HostsService }): Router {
  const { hosts } = deps;
  const contactLimit = limitPerAddress({ windowMs: 60_000, limit: 30 });
  const r = Router();
  r.get('/', async (_req, res) => {
    const body: HostList = { hosts: await hosts.list() };
    res.json(body);
  });
  r.post('/discover', contactLimit, async (req, res) => {
    res.json(await hosts.discover(addRequest(req.body), username(req)));
  });
  r.post('/', contactLimit, async (req, res) => {
    res.status(201).json(await hosts.add(addRequest(req.body), username(req)));
  });
  r.get('/:hostId', async (req, res) => {
    res.json(await hosts.get(hostIdOf(req)));
  });
  r.put('/:hostId/maintenance', async (req, res) => {
    const body = parseOr400(MaintenanceUpdate, req.body);
    res.json(await hosts.setMaintenance(hostIdOf(req), body.maintenance, username(req)));
  });
  r.post('/:hostId/repair', contactLimit, async (req, res) => {
    res.json(await hosts.repair(hostIdOf(req), addRequest(req.body), username(req)));
  });
  r.delete('/:hostId', async (req, res) => {
    await hosts.remove(hostIdOf(req), username(req));
    res.status(204).end();
  });
  return r;
}
