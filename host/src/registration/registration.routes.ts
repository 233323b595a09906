import { ChallengeRequest, CompleteRequest, type PingResponse } from '@quantix/shared';
import {
  actor,
  clientAddress,
  limitPerAddress,
  type Principal,
  parseOr400,
  requireUser,
} from '@quantix/shared/server';
import { Router } from 'express';
import type { Inventory } from '../discovery/inventory.ts';
import type { HostIdentity, RegistrationService } from './registration.service.ts';

/**
 * What a hub calls: ping (open), challenge/token/discovery/complete (token-bearing). Token checks
 * are limited to 30 per minute per address.
 */
export function registrationPublicRoutes(deps: {
  registration: RegistrationService;
  identity: HostIdentity;
  inventory: Inventory;
  /** what ping reports: the image's BUILD_INFO.json when it has one */
  build: { version: string; commit: string };
}): Router {
  const { registration, identity } = deps;
  const tokenLimit = limitPerAddress({ windowMs: 60_000, limit: 30 });
  const r = Router();
  r.get('/ping', (_req, res) => {
    const body: PingResponse = {
      status: 'ok',
      service: 'quantix-host',
      version: deps.build.version,
      commit: deps.build.commit,
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
  r.post('/challenge', tokenLimit, (req, res) => {
    const body = parseOr400(ChallengeRequest, req.body);
    res.json(registration.challenge(body.tokenId, body.nonce));
  });
  r.get('/token', tokenLimit, (req, res) => {
    res.json(registration.validate(req.headers.authorization));
  });
  r.get('/discovery', tokenLimit, async (req, res) => {
    registration.authorizeDiscovery(req.headers.authorization);
    res.json(await deps.inventory.collect());
  });
  r.post('/complete', tokenLimit, async (req, res) => {
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

/** An adopted hub's bearer credential (`Bearer qxc.…`) as the caller (see identify). */
export function hubPrincipal(registration: RegistrationService): (authorization: string) => Principal | null {
  return (authorization) => {
    if (!authorization.startsWith('Bearer qxc.')) return null;
    const hub = registration.hubForCredential(authorization.slice(7).trim());
    return hub ? { kind: 'hub', hubId: hub.hubId, hubName: hub.hubName } : null;
  };
}
