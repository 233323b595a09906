import {
  AppError,
  type Enrollment,
  type EnrollmentCreateRequest,
  encodeEnrollment,
  type MintedEnrollment,
  type StoredEnrollment,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HubStore } from '../store/hub-store.ts';
import { randomAlnum, secretMatches, sha256Hex } from './enrollment-secret.ts';

const HOUR_MS = 3_600_000;

export interface EnrollmentService {
  mint(req: EnrollmentCreateRequest, by: string): Promise<MintedEnrollment>;
  list(): Promise<Enrollment[]>;
  revoke(id: string, by: string): Promise<void>;
  /**
   * The check `store.enrollHost` runs inside its transaction: throws ENROLLMENT_INVALID (wrong
   * secret, revoked) or ENROLLMENT_EXPIRED (past its time, no uses left).
   */
  check(secret: string, opts?: { ignoreUses?: boolean }): (e: StoredEnrollment) => void;
}

const publicOf = ({ secretHash: _, ...e }: StoredEnrollment): Enrollment => e;

/**
 * `qxh1.` strings: a host that has one joins the hub by itself (the ISO's kernel parameter, or
 * `quantix-host join-hub`). The string carries the hub's URL and key (the host pins it) and an id
 * and secret; the hub keeps only the secret's SHA-256 and compares in constant time.
 */
export function createEnrollmentService(deps: {
  store: HubStore;
  events: EventStore;
  /** the URL hosts dial: --public-url, else the listening URL */
  publicUrl: () => string;
  spki: () => string;
  now?: () => number;
}): EnrollmentService {
  const now = deps.now ?? Date.now;
  return {
    async mint(req, by) {
      const secret = randomAlnum(32);
      const at = now();
      const e: StoredEnrollment = {
        id: randomAlnum(8),
        label: req.label ?? null,
        createdAt: new Date(at).toISOString(),
        createdBy: by,
        expiresAt: new Date(at + req.expiresInHours * HOUR_MS).toISOString(),
        maxUses: req.maxUses,
        uses: 0,
        revokedAt: null,
        secretHash: sha256Hex(secret),
      };
      await deps.store.addEnrollment(e);
      const uses = e.maxUses === 1 ? 'one host' : `up to ${e.maxUses} hosts`;
      await deps.events.record({
        level: 'info',
        category: 'registration',
        message: `Enrollment string ${e.id}${e.label ? ` (${e.label})` : ''} created for ${uses}, valid until ${e.expiresAt}`,
        source: by,
        details: { enrollmentId: e.id },
      });
      const enrollment = encodeEnrollment({ url: deps.publicUrl(), spki: deps.spki(), id: e.id, secret });
      return { ...publicOf(e), enrollment };
    },
    async list() {
      const all = await deps.store.listEnrollments();
      return all.map(publicOf).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async revoke(id, by) {
      const e = await deps.store.revokeEnrollment(id, new Date(now()).toISOString());
      await deps.events.record({
        level: 'info',
        category: 'registration',
        message: `Enrollment string ${e.id}${e.label ? ` (${e.label})` : ''} revoked`,
        source: by,
        details: { enrollmentId: e.id },
      });
    },
    check(secret, opts = {}) {
      return (e) => {
        // the secret first: nobody without it learns whether the string was revoked or used up
        if (!secretMatches(secret, e.secretHash))
          throw new AppError('ENROLLMENT_INVALID', 'unknown enrollment string');
        if (e.revokedAt)
          throw new AppError('ENROLLMENT_INVALID', 'this enrollment string was revoked on the hub');
        if (Date.parse(e.expiresAt) <= now())
          throw new AppError('ENROLLMENT_EXPIRED', `this enrollment string expired at ${e.expiresAt}`);
        if (!opts.ignoreUses && e.uses >= e.maxUses)
          throw new AppError(
            'ENROLLMENT_EXPIRED',
            `this enrollment string was used ${e.uses} time(s), its limit`,
          );
      };
    },
  };
}
