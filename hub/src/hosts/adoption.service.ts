import { randomBytes } from 'node:crypto';
import {
  type AddHostRequest,
  AppError,
  ChallengeResponse,
  type CompleteRequest,
  CompleteResponse,
  DiscoveryReport,
  type HostPreview,
  PingResponse,
  type StoredHubHost,
  TOKEN_PATTERN,
  TokenValidation,
} from '@quantix/shared';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { HubStore } from '../store/hub-store.ts';
import { type ChallengeFailure, checkChallenge } from './challenge-proof.ts';
import { createHostClient } from './host-client.ts';
import { type HostOrigin, parseHostInput, type ResolveAll, resolveHostTarget } from './host-target.ts';
import { identityMismatch } from './transport-errors.ts';

/**
 * A whole adoption ends within this, whatever the per-request limit: the hub's own HTTPS server
 * gives a request 60 s, and the admin must hear how it ended.
 */
export const ADOPTION_BUDGET_MS = 55_000;

/** A host credential as the host mints it (`qxc.<id>.<secret>`). */
const CREDENTIAL = /^qxc\.[a-z0-9]{8}\.[A-Za-z0-9_-]{32}$/;

export interface Adoption {
  /** Phases 1–4 (ping, identity, token, discovery): nothing is recorded on either side. */
  preview(req: AddHostRequest, opts?: { replacing?: string }): Promise<HostPreview>;
  /**
   * All phases, then the record (credential sealed) stored with `store.addHost`, or with
   * `store.replaceHost(replacing, …)` when re-pairing. Resolves with the stored record and the
   * token id used (for the event log; never the secret).
   */
  adopt(
    req: AddHostRequest,
    opts?: { replacing?: string },
  ): Promise<{ host: StoredHubHost; tokenId: string }>;
}

export interface AdoptionDeps {
  store: Pick<HubStore, 'getHost' | 'addHost' | 'replaceHost'>;
  /** who the hub is, as told to the host at `complete` */
  hub: () => CompleteRequest;
  box: SecretBox;
  /** loopback targets are refused unless set (`--allow-loopback-hosts`) */
  allowLoopback: boolean;
  /** the limit of each request to the host */
  timeoutMs: number;
  userAgent: string;
  resolveAll?: ResolveAll;
  now?: () => Date;
}

/** The token of the request: the join string's own, or the one given beside a URL. */
function tokenOf(
  origin: HostOrigin,
  req: AddHostRequest,
): { token: string; tokenId: string; secret: string } {
  const fromJoin = origin.join?.token;
  if (fromJoin !== undefined && req.token !== undefined && req.token !== fromJoin) {
    throw new AppError('VALIDATION_FAILED', 'the token differs from the one in the join string; send one', {
      details: { phase: 'parse', hostUrl: origin.origin },
    });
  }
  const token = fromJoin ?? req.token;
  const m = token === undefined ? null : TOKEN_PATTERN.exec(token);
  if (!token || !m?.[1] || !m[2]) {
    throw new AppError(
      'VALIDATION_FAILED',
      'a host URL needs its registration token (or paste the join string)',
      {
        details: { phase: 'parse', hostUrl: origin.origin },
      },
    );
  }
  return { token, tokenId: m[1], secret: m[2] };
}

function challengeMessageFor(failure: ChallengeFailure, url: string, tokenId: string, seen: string | null) {
  switch (failure) {
    case 'proof':
      return (
        `${url} could not prove it holds registration token ${tokenId}: the token is mistyped, or another ` +
        'server answers at this address. Nothing secret was sent to it.'
      );
    case 'spki':
      return (
        `${url} presented the certificate key ${seen ?? 'none'}, not the one the host proved the token for: ` +
        'a TLS proxy or another server is in the middle. Nothing secret was sent to it.'
      );
    case 'host':
      return `${url} answered the challenge as another host than the one its ping named`;
  }
}

/**
 * Adoption of a host by the hub (PROTOCOL.md, "Hub: hosts"): ping, identity (the join string's
 * pin, or the challenge proving the token over the key seen on the same connection), token,
 * discovery, complete. From the identity phase on every connection has the host's key pinned, and
 * the token is sent on nothing else.
 */
export function createAdoption(deps: AdoptionDeps): Adoption {
  const now = deps.now ?? (() => new Date());
  // hostIds being adopted right now: two adoptions of one host would each get a credential, and
  // the host keeps only the last, so the other must not be stored
  const inFlight = new Set<string>();

  /**
   * HOST_ALREADY_REGISTERED right after the ping, before any token is sent. With `claim`, the
   * hostIds are taken for this adoption in the same synchronous step as the check.
   */
  const refuseRegistered = async (p: {
    hostId: string;
    hostUrl: string;
    replacing: string | undefined;
    claim: string[] | null;
  }) => {
    const there = p.hostId === p.replacing ? null : await deps.store.getHost(p.hostId);
    const ids = [...new Set([p.hostId, p.replacing ?? p.hostId])];
    const busy = p.claim !== null && ids.some((id) => inFlight.has(id));
    if (there || busy) {
      const what = there
        ? `${there.hostname} (${there.url}) is already on this hub`
        : 'it is being added right now';
      throw new AppError('HOST_ALREADY_REGISTERED', `This host is already registered: ${what}`, {
        details: { phase: 'ping', hostUrl: p.hostUrl },
      });
    }
    for (const id of p.claim ? ids : []) {
      inFlight.add(id);
      p.claim?.push(id);
    }
  };

  async function run(
    req: AddHostRequest,
    opts: { replacing?: string },
    complete: boolean,
  ): Promise<{ preview: HostPreview; host: StoredHubHost | null; tokenId: string }> {
    const origin = parseHostInput(req.target);
    const { token, tokenId, secret } = tokenOf(origin, req);
    if (opts.replacing !== undefined && !(await deps.store.getHost(opts.replacing))) {
      throw new AppError('HOST_NOT_FOUND', `no host ${opts.replacing} on this hub`);
    }
    const target = await resolveHostTarget(origin, {
      allowLoopback: deps.allowLoopback,
      ...(deps.resolveAll ? { resolveAll: deps.resolveAll } : {}),
    });
    const url = target.origin;
    const client = createHostClient({
      target,
      timeoutMs: deps.timeoutMs,
      deadline: Date.now() + ADOPTION_BUDGET_MS,
      userAgent: deps.userAgent,
    });
    const locked: string[] = [];
    try {
      // 1. ping; with a join string its key is pinned from the first byte
      if (origin.join) client.pin(origin.join.spki);
      const { data: ping } = await client.call({
        phase: 'ping',
        method: 'GET',
        path: '/ping',
        schema: PingResponse,
        what: 'ping answer',
      });
      if (origin.join && ping.spki !== origin.join.spki) {
        throw identityMismatch(`${url} names another certificate key than the one it serves`, {
          hostUrl: url,
        });
      }
      await refuseRegistered({
        hostId: ping.hostId,
        hostUrl: url,
        replacing: opts.replacing,
        claim: complete ? locked : null,
      });

      // 2. identity: without a join string, the host proves the token over the key it serves
      let spki: string;
      if (origin.join) {
        spki = origin.join.spki;
      } else {
        const nonce = randomBytes(32).toString('base64url');
        const { data: answer, spki: seen } = await client.call({
          phase: 'identity',
          method: 'POST',
          path: '/challenge',
          body: { tokenId, nonce },
          schema: ChallengeResponse,
          what: 'challenge answer',
        });
        const failure = checkChallenge({
          answer,
          secret,
          nonce,
          tokenId,
          hostId: ping.hostId,
          seenSpki: seen,
        });
        if (failure)
          throw identityMismatch(challengeMessageFor(failure, url, tokenId, seen), { hostUrl: url });
        spki = answer.spki;
        client.pin(spki);
      }

      // 3. token, 4. discovery: over pinned connections only
      const { data: validation } = await client.call({
        phase: 'token',
        method: 'GET',
        path: '/token',
        bearer: token,
        schema: TokenValidation,
        what: 'token validation',
      });
      const { data: inventory } = await client.call({
        phase: 'discovery',
        method: 'GET',
        path: '/discovery',
        bearer: token,
        schema: DiscoveryReport,
        what: 'discovery report',
      });
      const preview: HostPreview = {
        hostId: ping.hostId,
        hostname: ping.hostname,
        url,
        spki,
        version: ping.version,
        tokenExpiresAt: validation.expiresAt,
        inventory,
      };
      if (!complete) return { preview, host: null, tokenId };

      // 5. complete: the host records the hub and hands over its credential, sealed at once
      const { data: done } = await client.call({
        phase: 'complete',
        method: 'POST',
        path: '/complete',
        bearer: token,
        body: deps.hub(),
        schema: CompleteResponse,
        what: 'completion answer',
      });
      if (done.hostId !== ping.hostId || done.spki !== spki || !CREDENTIAL.test(done.credential)) {
        throw new AppError(
          'INVALID_RESPONSE',
          `${url} completed as another host, or without a valid credential`,
          {
            details: { phase: 'complete', hostUrl: url },
          },
        );
      }
      const host: StoredHubHost = {
        hostId: ping.hostId,
        hostname: ping.hostname,
        url,
        spki,
        version: ping.version,
        via: 'token',
        adoptedAt: now().toISOString(),
        credential: deps.box.seal(done.credential, ping.hostId),
        inventory,
        maintenance: false,
        revokedAt: null,
        lastSeenAt: null,
      };
      try {
        const stored =
          opts.replacing === undefined
            ? await deps.store.addHost(host).then(() => host)
            : await deps.store.replaceHost(opts.replacing, host);
        return { preview, host: stored, tokenId };
      } catch (err) {
        // the host has adopted the hub but the hub could not keep it: say where it stopped
        if (err instanceof AppError && err.details === undefined) {
          throw new AppError(err.code, err.message, {
            cause: err,
            details: { phase: 'complete', hostUrl: url },
          });
        }
        throw err;
      }
    } finally {
      for (const id of locked) inFlight.delete(id);
      client.close();
    }
  }

  return {
    preview: async (req, opts = {}) => (await run(req, opts, false)).preview,
    async adopt(req, opts = {}) {
      const { host, tokenId } = await run(req, opts, true);
      if (!host) throw new Error('adoption completed without a record');
      return { host, tokenId };
    },
  };
}
