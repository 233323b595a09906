import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';

/** `xxxxxx.yyyyyyyyyyyyyyyy`: 6-char public id, 16-char secret, both [a-z0-9]. */
export const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const TokenId = z.string().regex(/^[a-z0-9]{6}$/, 'expected a 6-character token id');
export const RegistrationToken = z.string().regex(TOKEN_PATTERN, 'expected xxxxxx.yyyyyyyyyyyyyyyy');

export const PingResponse = z.object({
  status: z.literal('ok'),
  service: z.literal('quantix-host'),
  version: z.string(),
  /** the git commit the host (or its image, BUILD_INFO.json) was built from; absent from hosts before 0.1 */
  commit: z.string().optional(),
  apiVersion: z.literal('v1'),
  hostId: z.uuid(),
  hostname: z.string(),
  spki: SpkiFingerprint,
  registrationApiSupported: z.literal(true),
  enrolled: z.boolean(),
  timestamp: IsoTime,
});
export type PingResponse = z.infer<typeof PingResponse>;

/** A hub proves nothing yet; it asks the host to prove it knows the token secret for `tokenId`. */
export const ChallengeRequest = z.strictObject({
  tokenId: TokenId,
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'expected 16-96 random bytes, base64url'),
});
export type ChallengeRequest = z.infer<typeof ChallengeRequest>;

export const ChallengeResponse = z.object({
  hostId: z.uuid(),
  spki: SpkiFingerprint,
  expiresAt: IsoTime,
  /** hex HMAC-SHA256(key = token secret, challengeMessage(...)) */
  proof: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ChallengeResponse = z.infer<typeof ChallengeResponse>;

/** The exact bytes the challenge proof covers; both sides build them with this function. */
export function challengeMessage(p: {
  nonce: string;
  tokenId: string;
  hostId: string;
  spki: string;
}): string {
  return ['quantix-registration-v1', p.nonce, p.tokenId, p.hostId, p.spki].join('\n');
}

export const TokenValidation = z.object({
  valid: z.literal(true),
  tokenId: TokenId,
  hostname: z.string(),
  expiresAt: IsoTime,
});
export type TokenValidation = z.infer<typeof TokenValidation>;

export const CompleteRequest = z.strictObject({
  hubId: z.uuid(),
  hubName: z.string().min(1).max(128),
  hubUrl: z.url({ protocol: /^https$/ }).max(2048),
  hubSpki: SpkiFingerprint,
});
export type CompleteRequest = z.infer<typeof CompleteRequest>;

export const CompleteResponse = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  spki: SpkiFingerprint,
  /** Long-lived per-hub credential, sent as `Authorization: Bearer <credential>`. Shown once. */
  credential: z.string(),
});
export type CompleteResponse = z.infer<typeof CompleteResponse>;

export const MintedToken = z.object({
  token: RegistrationToken,
  tokenId: TokenId,
  expiresAt: IsoTime,
  join: z.string(),
});
export type MintedToken = z.infer<typeof MintedToken>;

/** What the registration page shows: never the secret of an old token. */
export const TokenStatus = z.object({
  current: MintedToken.nullable(),
});
export type TokenStatus = z.infer<typeof TokenStatus>;

/** The paste-able join string: `qx1.` + base64url(JSON). */
export const JoinPayload = z.object({
  v: z.literal(1),
  url: z.url(),
  token: RegistrationToken,
  spki: SpkiFingerprint,
});
export type JoinPayload = z.infer<typeof JoinPayload>;
export const JOIN_PREFIX = 'qx1.';

export const HubSummary = z.object({
  hubId: z.uuid(),
  hubName: z.string(),
  hubUrl: z.string(),
  hubSpki: SpkiFingerprint,
  adoptedAt: IsoTime,
  lastSeenAt: IsoTime.nullable(),
});
export type HubSummary = z.infer<typeof HubSummary>;
