import { timingSafeEqual } from 'node:crypto';
import type { ChallengeResponse } from '@quantix/shared';
import { challengeProof } from '@quantix/shared/server';

/** Why a challenge answer does not prove the host. */
export type ChallengeFailure =
  /** the proof does not verify with the secret the admin gave: a mistyped token, or not the host */
  | 'proof'
  /** the proof names another key than the one this connection presented: a TLS proxy in the middle */
  | 'spki'
  /** the answer names another host than the ping did */
  | 'host';

/**
 * Checks a host's answer to `POST /registration/challenge`, sent over a connection that presented
 * `seenSpki`. Only when this returns null has the peer shown it knows the token secret *and* that
 * the key it serves is the one it proved it for; then that key is pinned and the secret may follow.
 */
export function checkChallenge(p: {
  answer: ChallengeResponse;
  secret: string;
  nonce: string;
  tokenId: string;
  /** the hostId the ping named */
  hostId: string;
  seenSpki: string | null;
}): ChallengeFailure | null {
  const { answer } = p;
  const expected = challengeProof({
    secret: p.secret,
    nonce: p.nonce,
    tokenId: p.tokenId,
    hostId: answer.hostId,
    spki: answer.spki,
  });
  // constant time: the proof is compared with a value derived from the secret
  const given = Buffer.from(answer.proof, 'utf8');
  const want = Buffer.from(expected, 'utf8');
  const proofOk = given.length === want.length && timingSafeEqual(given, want);
  if (!proofOk) return 'proof';
  if (answer.spki !== p.seenSpki) return 'spki';
  if (answer.hostId !== p.hostId) return 'host';
  return null;
}
