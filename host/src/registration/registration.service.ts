import {
  AppError,
  type ChallengeResponse,
  type CompleteRequest,
  type CompleteResponse,
  encodeJoin,
  type HostState,
  type HubSummary,
  type MintedToken,
  type StoredHub,
  type StoredToken,
  type TokenValidation,
} from '@quantix/shared';
import { challengeProof, type EventStore, type JsonStore } from '@quantix/shared/server';
import {
  newHubCredential,
  randomAlnum,
  safeEqual,
  sha256Hex,
  splitHubCredential,
  splitToken,
} from './token-codec.ts';

/** How many old tokens are kept so a late caller learns "expired" rather than "invalid". */
const TOKEN_HISTORY = 20;

export interface HostIdentity {
  hostId: string;
  hostname: string;
  spki: string;
  /** the URL a hub should use, put into the join string */
  url: () => string;
}

/** A change of the hubs this host belongs to, for the live links (host/src/hub-link). */
export type HubChange =
  | { kind: 'added'; hub: StoredHub }
  /** the admin revoked the hub here: its link says so to the hub, then closes */
  | { kind: 'revoked'; hub: StoredHub }
  /** the hub removed this host: its link closes */
  | { kind: 'forgotten'; hub: StoredHub };

/** What a self-enrolment stores once the hub accepted the host (see hub-link/hub-join.ts). */
export interface JoinedHub {
  hubId: string;
  hubName: string;
  hubUrl: string;
  hubSpki: string;
  /** the `qxc.` credential the host minted for this hub and gave it over the pinned link */
  credential: string;
  enrollmentId: string;
}

export interface RegistrationService {
  enrolled(): boolean;
  mint(by: string): Promise<MintedToken>;
  current(): MintedToken | null;
  challenge(tokenId: string, nonce: string): ChallengeResponse;
  validate(authorization: string | undefined): TokenValidation;
  complete(authorization: string | undefined, req: CompleteRequest, from: string): Promise<CompleteResponse>;
  /** Accepts a registration token (not consumed) or an adopted hub's credential. */
  authorizeDiscovery(authorization: string | undefined): void;
  /** Returns the hub for a valid credential, else null. */
  hubForCredential(credential: string): StoredHub | null;
  hubs(): HubSummary[];
  /** the stored hubs, as the links dial them */
  storedHubs(): StoredHub[];
  revoke(hubId: string, by: string): Promise<void>;
  /** a hub this host joined with a `qxh1.` string accepted it */
  joined(hub: JoinedHub, by: string): Promise<StoredHub>;
  /** the hub removed this host (told over the link): it is deleted here and never dialled again */
  forget(hubId: string, reason: string): Promise<void>;
  /** the link heard from the hub: its name as it says now, and when (written only on a change) */
  linkSeen(hubId: string, hubName: string): Promise<void>;
  /** told of every change of the hubs; `revoked` listeners are awaited (bounded by them) */
  onHubsChanged(fn: (c: HubChange) => Promise<void> | void): () => void;
}

export function createRegistrationService(deps: {
  state: JsonStore<HostState>;
  events: EventStore;
  identity: HostIdentity;
  tokenTtlMs: number;
  now?: () => number;
}): RegistrationService {
  const { state, events, identity } = deps;
  const now = deps.now ?? Date.now;
  const hubListeners = new Set<(c: HubChange) => Promise<void> | void>();
  const tell = async (c: HubChange): Promise<void> => {
    await Promise.allSettled([...hubListeners].map(async (fn) => fn(c)));
  };

  const minted = (t: StoredToken): MintedToken => {
    const token = `${t.id}.${t.secret}`;
    return {
      token,
      tokenId: t.id,
      expiresAt: t.expiresAt,
      join: encodeJoin({ url: identity.url(), token, spki: identity.spki }),
    };
  };
  const isLive = (t: StoredToken) => t.state === 'active' && Date.parse(t.expiresAt) > now();

  /** Resolves a token to its record; throws the precise 401 the caller deserves. */
  const check = (authorization: string | undefined): StoredToken => {
    const raw = bearer(authorization);
    if (!raw)
      throw new AppError('TOKEN_MISSING', 'send the registration token as "Authorization: Bearer <token>"');
    const parts = splitToken(raw);
    if (!parts) throw new AppError('TOKEN_INVALID', 'malformed registration token');
    const record = state.data.tokens.find((t) => t.id === parts.id);
    // Compare even when the id is unknown, so timing does not tell known ids from unknown ones.
    const secretOk = safeEqual(parts.secret, record?.secret ?? 'x'.repeat(16));
    if (!record || !secretOk) throw new AppError('TOKEN_INVALID', 'unknown registration token');
    if (!isLive(record)) {
      const why =
        record.state === 'used'
          ? 'already used'
          : record.state === 'superseded'
            ? 'replaced by a newer token'
            : 'expired';
      throw new AppError('TOKEN_EXPIRED', `registration token ${why}`);
    }
    return record;
  };

  const hubForCredential = (credential: string): StoredHub | null => {
    const parts = splitHubCredential(credential);
    if (!parts) return null;
    const hub = state.data.hubs.find((h) => h.credentialId === parts.id);
    const ok = safeEqual(sha256Hex(parts.secret), hub?.credentialHash ?? '');
    if (!hub || !ok) return null;
    // "last seen" for the hubs list, written at most once a minute per hub
    if (!hub.lastSeenAt || now() - Date.parse(hub.lastSeenAt) > 60_000) {
      const at = new Date(now()).toISOString();
      void state
        .update((d) => {
          const h = d.hubs.find((x) => x.hubId === hub.hubId);
          if (h) h.lastSeenAt = at;
        })
        .catch(() => undefined); // a missed "last seen" is not worth failing the hub's request
    }
    return hub;
  };

  return {
    enrolled: () => state.data.hubs.length > 0,
    async mint(by) {
      const t: StoredToken = {
        id: randomAlnum(6),
        secret: randomAlnum(16),
        createdAt: new Date(now()).toISOString(),
        expiresAt: new Date(now() + deps.tokenTtlMs).toISOString(),
        createdBy: by,
        state: 'active',
      };
      await state.update((d) => {
        for (const old of d.tokens) if (old.state === 'active') old.state = 'superseded';
        d.tokens.push(t);
        if (d.tokens.length > TOKEN_HISTORY) d.tokens.splice(0, d.tokens.length - TOKEN_HISTORY);
      });
      await events.record({
        level: 'info',
        category: 'registration',
        message: `Registration token ${t.id} created, valid until ${t.expiresAt}`,
        source: by,
        details: { tokenId: t.id },
      });
      return minted(t);
    },
    current() {
      const t = state.data.tokens.findLast(isLive);
      return t ? minted(t) : null;
    },
    challenge(tokenId, nonce) {
      const t = state.data.tokens.find((x) => x.id === tokenId);
      if (!t) throw new AppError('TOKEN_INVALID', 'unknown registration token');
      if (!isLive(t)) throw new AppError('TOKEN_EXPIRED', 'registration token expired or used');
      const base = { nonce, tokenId, hostId: identity.hostId, spki: identity.spki };
      return {
        hostId: identity.hostId,
        spki: identity.spki,
        expiresAt: t.expiresAt,
        proof: challengeProof({ ...base, secret: t.secret }),
      };
    },
    validate(authorization) {
      const t = check(authorization);
      return { valid: true, tokenId: t.id, hostname: identity.hostname, expiresAt: t.expiresAt };
    },
    async complete(authorization, req, from) {
      const t = check(authorization);
      const cred = newHubCredential();
      const at = new Date(now()).toISOString();
      const hub: StoredHub = {
        ...req,
        adoptedAt: at,
        lastSeenAt: at,
        credentialId: cred.id,
        credentialHash: sha256Hex(cred.secret),
        via: 'token',
        viaTokenId: t.id,
        viaEnrollmentId: null,
      };
      await state.update((d) => {
        // Re-checked inside the update: of two simultaneous completions only one may use the token.
        const rec = d.tokens.find((x) => x.id === t.id);
        if (!rec || !isLive(rec)) throw new AppError('TOKEN_EXPIRED', 'registration token already used');
        rec.state = 'used';
        d.hubs = d.hubs.filter((h) => h.hubId !== req.hubId);
        d.hubs.push(hub);
      });
      await events.record({
        level: 'info',
        category: 'registration',
        message: `Adopted by hub "${req.hubName}" (${req.hubUrl}) with token ${t.id}`,
        source: from,
        details: { hubId: req.hubId, tokenId: t.id, hubSpki: req.hubSpki },
      });
      void tell({ kind: 'added', hub });
      return {
        hostId: identity.hostId,
        hostname: identity.hostname,
        spki: identity.spki,
        credential: cred.credential,
      };
    },
    authorizeDiscovery(authorization) {
      const raw = bearer(authorization);
      if (raw && splitHubCredential(raw)) {
        if (hubForCredential(raw)) return;
        throw new AppError('TOKEN_INVALID', 'unknown or revoked hub credential');
      }
      check(authorization);
    },
    hubForCredential,
    hubs() {
      return state.data.hubs.map(({ hubId, hubName, hubUrl, hubSpki, adoptedAt, lastSeenAt }) => ({
        hubId,
        hubName,
        hubUrl,
        hubSpki,
        adoptedAt,
        lastSeenAt,
      }));
    },
    storedHubs: () => state.data.hubs.map((h) => ({ ...h })),
    async revoke(hubId, by) {
      const hub = state.data.hubs.find((h) => h.hubId === hubId);
      if (!hub) throw new AppError('HUB_NOT_FOUND', `no adopted hub ${hubId}`);
      await state.update((d) => {
        d.hubs = d.hubs.filter((h) => h.hubId !== hubId);
      });
      await events.record({
        level: 'warning',
        category: 'registration',
        message: `Hub "${hub.hubName}" revoked; its credential no longer works`,
        source: by,
        details: { hubId },
      });
      await tell({ kind: 'revoked', hub });
    },
    async joined(j, by) {
      const at = new Date(now()).toISOString();
      const parts = splitHubCredential(j.credential);
      if (!parts) throw new AppError('VALIDATION_FAILED', 'malformed hub credential');
      const hub: StoredHub = {
        hubId: j.hubId,
        hubName: j.hubName,
        hubUrl: j.hubUrl,
        hubSpki: j.hubSpki,
        adoptedAt: at,
        lastSeenAt: at,
        credentialId: parts.id,
        credentialHash: sha256Hex(parts.secret),
        via: 'enrollment',
        viaTokenId: null,
        viaEnrollmentId: j.enrollmentId,
      };
      await state.update((d) => {
        d.hubs = d.hubs.filter((h) => h.hubId !== j.hubId);
        d.hubs.push(hub);
      });
      await events.record({
        level: 'info',
        category: 'registration',
        message: `Joined hub "${j.hubName}" (${j.hubUrl}) with enrollment string ${j.enrollmentId}`,
        source: by,
        details: { hubId: j.hubId, enrollmentId: j.enrollmentId, hubSpki: j.hubSpki },
      });
      void tell({ kind: 'added', hub });
      return hub;
    },
    async forget(hubId, reason) {
      const hub = state.data.hubs.find((h) => h.hubId === hubId);
      if (!hub) return;
      await state.update((d) => {
        d.hubs = d.hubs.filter((h) => h.hubId !== hubId);
      });
      await events.record({
        level: 'warning',
        category: 'registration',
        message: `Hub "${hub.hubName}" removed this host (${reason}); it is forgotten here and not dialled again`,
        source: `hub ${hub.hubName}`,
        details: { hubId },
      });
      await tell({ kind: 'forgotten', hub });
    },
    async linkSeen(hubId, hubName) {
      const at = new Date(now()).toISOString();
      await state.update((d) => {
        const h = d.hubs.find((x) => x.hubId === hubId);
        if (!h) return;
        h.hubName = hubName;
        h.lastSeenAt = at;
      });
    },
    onHubsChanged(fn) {
      hubListeners.add(fn);
      return () => hubListeners.delete(fn);
    },
  };
}

function bearer(h: string | undefined): string | null {
  if (!h) return null;
  const m = /^Bearer\s+(.*)$/i.exec(h.trim());
  const v = m?.[1]?.trim();
  return v ? v : null;
}
