import { randomInt, timingSafeEqual, createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: it is read off a console
const TTL_MS = 30 * 60_000;

export interface SetupCodes {
  /** The current code, minting a fresh one if none is valid. */
  current(): { code: string; expiresAt: Date };
  /** True if the code matches and is still valid; it stays usable. */
  matches(candidate: string): boolean;
  /** Consumes the code if it matches and is still valid. */
  consume(candidate: string): boolean;
}

/** One-time setup codes, kept in memory only: a restart prints a new one on the console. */
export function createSetupCodes(deps: { now?: () => number } = {}): SetupCodes {
  const now = deps.now ?? Date.now;
  let active: { code: string; expiresAt: number } | null = null;
  const digest = (s: string) =>
    createHash('sha256')
      .update(s.toUpperCase().replace(/[^A-Z0-9]/g, ''))
      .digest();
  const matches = (candidate: string) =>
    !!active && active.expiresAt > now() && timingSafeEqual(digest(candidate), digest(active.code));
  return {
    current() {
      if (!active || active.expiresAt <= now()) {
        const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
        active = {
          code: `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`,
          expiresAt: now() + TTL_MS,
        };
      }
      return { code: active.code, expiresAt: new Date(active.expiresAt) };
    },
    matches,
    consume(candidate) {
      const ok = matches(candidate);
      if (ok) active = null;
      return ok;
    },
  };
}
