import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';
import { fromBase64Url, toBase64Url } from './join.ts';

/**
 * Hosts that join by themselves: the hub mints `qxh1.` + base64url(JSON `EnrollmentPayload`), the
 * host dials the hub's link with the hub's SPKI pinned and presents the id and secret.
 */
export const ENROLL_PREFIX = 'qxh1.';

export const EnrollmentId = z.string().regex(/^[a-z0-9]{8}$/, 'expected an 8-character enrollment id');
export const EnrollmentSecret = z.string().regex(/^[a-z0-9]{32}$/, 'expected a 32-character secret');

export const EnrollmentPayload = z.object({
  v: z.literal(1),
  /** the hub's public URL */
  url: z.url({ protocol: /^https$/ }),
  spki: SpkiFingerprint,
  id: EnrollmentId,
  secret: EnrollmentSecret,
});
export type EnrollmentPayload = z.infer<typeof EnrollmentPayload>;

export const EnrollmentCreateRequest = z.strictObject({
  label: z.string().trim().min(1).max(64).optional(),
  /** 1 hour to 30 days */
  expiresInHours: z.number().int().min(1).max(720).default(24),
  maxUses: z.number().int().min(1).max(10_000).default(1),
});
export type EnrollmentCreateRequest = z.infer<typeof EnrollmentCreateRequest>;

export const Enrollment = z.object({
  id: EnrollmentId,
  label: z.string().nullable(),
  createdAt: IsoTime,
  createdBy: z.string(),
  expiresAt: IsoTime,
  maxUses: z.number().int().positive(),
  uses: z.number().int().nonnegative(),
  revokedAt: IsoTime.nullable(),
});
export type Enrollment = z.infer<typeof Enrollment>;

/** The answer to minting: the only time the string (and its secret) is shown. */
export const MintedEnrollment = Enrollment.extend({ enrollment: z.string() });
export type MintedEnrollment = z.infer<typeof MintedEnrollment>;

export const EnrollmentList = z.object({ enrollments: z.array(Enrollment) });
export type EnrollmentList = z.infer<typeof EnrollmentList>;

/** In hub.json: the secret only as SHA-256. */
export const StoredEnrollment = Enrollment.extend({
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredEnrollment = z.infer<typeof StoredEnrollment>;

export function encodeEnrollment(p: Omit<EnrollmentPayload, 'v'>): string {
  const payload: EnrollmentPayload = { v: 1, url: p.url, spki: p.spki, id: p.id, secret: p.secret };
  return ENROLL_PREFIX + toBase64Url(JSON.stringify(payload));
}

/** Returns null for anything that is not a well-formed `qxh1.` string. */
export function decodeEnrollment(s: string): EnrollmentPayload | null {
  const text = s.trim();
  if (!text.startsWith(ENROLL_PREFIX)) return null;
  try {
    const parsed = EnrollmentPayload.safeParse(JSON.parse(fromBase64Url(text.slice(ENROLL_PREFIX.length))));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
