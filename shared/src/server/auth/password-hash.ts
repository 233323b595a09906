import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '@quantix/shared';

// scrypt N=2^17, r=8, p=1 needs 128·N·r = 128 MiB; maxmem must exceed it.
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Constant-time; an unparseable stored hash is simply a mismatch. Throws RATE_LIMITED when too
   * many checks are waiting, exactly as dummyVerify does.
   */
  verify(password: string, stored: string): Promise<boolean>;
  /** Burns the same time as a real verify, so unknown usernames are not revealed by timing. */
  dummyVerify(password: string): Promise<void>;
}

/**
 * Each hash takes ~1.5 s and 128 MiB, so at most `concurrency` run at once; the rest queue.
 * (A login storm is rate limited before it reaches here.)
 */
export function createPasswordHasher(opts: { concurrency?: number; maxQueue?: number } = {}): PasswordHasher {
  const limit = opts.concurrency ?? 2;
  const maxQueue = opts.maxQueue ?? 8;
  let running = 0;
  const waiting: Array<() => void> = [];
  async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= limit) {
      // A flood of logins (each distinct username has its own rate-limit bucket) must not queue
      // unbounded work in front of the admin's own login.
      // This is a refusal to check, never a verdict on the password: it must reach the client as
      // 429 for every username, known or not.
      if (waiting.length >= maxQueue)
        throw new AppError('RATE_LIMITED', 'the host is busy checking passwords; retry shortly', {
          details: { retryAfterSeconds: 2 },
        });
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }
  const derive = (password: string, salt: Buffer, n: number, r: number, p: number) =>
    withSlot(
      () =>
        new Promise<Buffer>((resolve, reject) =>
          scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
            err ? reject(err) : resolve(key),
          ),
        ),
    );
  const dummySalt = randomBytes(16);
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, N, R, P);
      return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, stored) {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
      const [n, r, p] = parts.slice(1, 4).map(Number);
      // Refuse parameters scrypt would reject (N not a power of two) or that exceed our memory cap.
      if (!n || !r || !p || (n & (n - 1)) !== 0 || 128 * n * r > MAXMEM / 2) return false;
      const expected = Buffer.from(parts[5] ?? '', 'base64');
      let key: Buffer;
      try {
        key = await derive(password, Buffer.from(parts[4] ?? '', 'base64'), n, r, p);
      } catch (err) {
        // Only parameters scrypt refuses make a stored hash a mismatch. A full queue (429) or a
        // failing scrypt is not a wrong password: it must not become 401 nor count as a failure.
        if ((err as { code?: string }).code === 'ERR_CRYPTO_INVALID_SCRYPT_PARAMS') return false;
        throw err;
      }
      return expected.length === key.length && timingSafeEqual(expected, key);
    },
    async dummyVerify(password) {
      await derive(password, dummySalt, N, R, P);
    },
  };
}
