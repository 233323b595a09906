import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of [a-z0-9], uniformly from the CSPRNG (randomInt rejects modulo bias). */
export function randomAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Constant-time comparison of a secret with a stored SHA-256 (hex) of one. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = createHash('sha256').update(secret).digest();
  const b = Buffer.from(/^[0-9a-f]{64}$/.test(storedHash) ? storedHash : '0'.repeat(64), 'hex');
  return timingSafeEqual(a, b);
}
