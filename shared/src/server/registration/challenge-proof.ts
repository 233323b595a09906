import { createHmac } from 'node:crypto';
import { challengeMessage } from '@quantix/shared';

/**
 * hex HMAC-SHA256(key = token secret, challengeMessage): the host's answer to a hub's challenge,
 * and what the hub checks it against (PROTOCOL.md, Registration).
 */
export function challengeProof(p: {
  secret: string;
  nonce: string;
  tokenId: string;
  hostId: string;
  spki: string;
}): string {
  const { secret, ...message } = p;
  return createHmac('sha256', secret).update(challengeMessage(message)).digest('hex');
}
