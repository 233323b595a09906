import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { TOKEN_PATTERN } from '@quantix/shared';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of [a-z0-9], uniformly from the CSPRNG (randomInt rejects modulo bias). */
export function randomAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

export function splitToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN_PATTERN.exec(token);
  return m?.[1] && m[2] ? { id: m[1], secret: m[2] } : null;
}

/** Constant-time string comparison (hash first, so lengths never leak either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Per-hub credential: `qxc.<8 id>.<32 secret>`. */
export function newHubCredential(): { id: string; secret: string; credential: string } {
  const id = randomAlnum(8);
  const secret = randomBytes(24).toString('base64url');
  return { id, secret, credential: `qxc.${id}.${secret}` };
}

export function splitHubCredential(s: string): { id: string; secret: string } | null {
  const m = /^qxc\.([a-z0-9]{8})\.([A-Za-z0-9_-]{32})$/.exec(s);
  return m?.[1] && m[2] ? { id: m[1], secret: m[2] } : null;
}
