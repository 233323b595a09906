import { ChallengeRequest, CompleteRequest, type PingResponse } from '@quantix/shared';
import { Router } from 'express';
import type { Inventory } from '../discovery/inventory.ts';
import { actor, clientAddress, requireUser } from '../http/auth-middleware.ts';
import { parseOr400 } from '../http/errors.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import type { HostIdentity, RegistrationService } from './registration.service.ts';

/** What a hub calls: ping (open), challenge/token/discovery/complete (token-bearing). */
export function registrationPublicRoutes(deps: {
  registration: RegistrationService;
  identity: HostIdentity;
  inventory: Inventory;
  version: string;
  limits: RateLimits;
}): Router {
  const { registration, identity, limits } = deps;
  const r = Router();
  r.get('/ping', (_req, res) => {
    const body: PingResponse = {
      status: 'ok',
      service: 'quantix-host',
      version: deps.version,
      apiVersion: 'v1',
      hostId: identity.hostId,
      hostname: identity.hostname,
      spki: identity.spki,
      registrationApiSupported: true,
      enrolled: registration.enrolled(),
      timestamp: new Date().toISOString(),
    };
    res.json(body);
  });
  r.post('/challenge', limits.token, (req, res) => {
    const body = parseOr400(ChallengeRequest, req.body);
    res.json(registration.challenge(body.tokenId, body.nonce));
  });
  r.get('/token', limits.token, (req, res) => {
    res.json(registration.validate(req.headers.authorization));
  });
  r.get('/discovery', limits.token, async (req, res) => {
    registration.authorizeDiscovery(req.headers.authorization);
    res.json(await deps.inventory.collect());
  });
  r.post('/complete', limits.token, async (req, res) => {
    registration.validate(req.headers.authorization); // the token's 401s come before body errors
    const body = parseOr400(CompleteRequest, req.body);
    res.json(await registration.complete(req.headers.authorization, body, clientAddress(req)));
  });
  return r;
}

/** What the admin uses: tokens and adopted hubs. Mounted behind setup + auth guards. */
export function registrationAdminRoutes(deps: { registration: RegistrationService }): Router {
  const { registration } = deps;
  const r = Router();
  r.use(requireUser);
  r.get('/tokens/current', (_req, res) => {
    res.json({ current: registration.current() });
  });
  r.post('/tokens', async (req, res) => {
    res.status(201).json(await registration.mint(actor(req)));
  });
  r.get('/hubs', (_req, res) => {
    res.json({ hubs: registration.hubs() });
  });
  r.delete('/hubs/:hubId', async (req, res) => {
    await registration.revoke(String(req.params.hubId), actor(req));
    res.status(204).end();
  });
  return r;
}
