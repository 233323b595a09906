import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type ChallengeResponse, challengeMessage } from '@quantix/shared';
import { challengeProof } from '@quantix/shared/server';
import { checkChallenge } from './challenge-proof.ts';

const hostId = '0b6f0d4e-3c1a-4a6e-9f3e-2d1c0b9a8f7e';
const hostSpki = `sha256:${'ab'.repeat(32)}`;
const proxySpki = `sha256:${'cd'.repeat(32)}`;
const tokenId = 'abc123';
const secret = '0123456789abcdef';

/** What a genuine host answers (computed independently of challengeProof, from the protocol text). */
function answer(over: Partial<ChallengeResponse> & { key?: string; nonce: string }): ChallengeResponse {
  const h = over.hostId ?? hostId;
  const s = over.spki ?? hostSpki;
  const message = challengeMessage({ nonce: over.nonce, tokenId, hostId: h, spki: s });
  return {
    hostId: h,
    spki: s,
    expiresAt: '2026-03-01T13:00:00.000Z',
    proof:
      over.proof ??
      createHmac('sha256', over.key ?? secret)
        .update(message)
        .digest('hex'),
  };
}

describe('challenge proof', () => {
  const nonce = randomBytes(32).toString('base64url');

  it('is the HMAC-SHA256 of the joined challenge message under the token secret', () => {
    const expected = createHmac('sha256', secret)
      .update(['quantix-registration-v1', nonce, tokenId, hostId, hostSpki].join('\n'))
      .digest('hex');
    assert.equal(challengeProof({ secret, nonce, tokenId, hostId, spki: hostSpki }), expected);
  });

  it('accepts the host that knows the secret and serves the key it names', () => {
    const a = answer({ nonce });
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: hostSpki }), null);
  });

  it('refuses a proof made with another secret (a mistyped token, or not the host)', () => {
    const a = answer({ nonce, key: 'ffffffffffffffff' });
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: hostSpki }), 'proof');
  });

  it('refuses a genuine answer relayed over another key (a TLS proxy in the middle)', () => {
    const a = answer({ nonce });
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: proxySpki }), 'spki');
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: null }), 'spki');
  });

  it('refuses a proxy that rewrites the key it names: the proof no longer verifies', () => {
    const a = { ...answer({ nonce }), spki: proxySpki };
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: proxySpki }), 'proof');
  });

  it('refuses an answer to another nonce (a replay)', () => {
    const old = answer({ nonce: randomBytes(32).toString('base64url') });
    assert.equal(
      checkChallenge({ answer: old, secret, nonce, tokenId, hostId, seenSpki: hostSpki }),
      'proof',
    );
  });

  it('refuses an answer naming another host than the ping did', () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const a = answer({ nonce, hostId: other });
    assert.equal(checkChallenge({ answer: a, secret, nonce, tokenId, hostId, seenSpki: hostSpki }), 'host');
  });
});
