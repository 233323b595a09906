import type { Enrollment } from '@quantix/shared';

/** A shell word: `'…'` with any `'` closed, escaped and reopened, so a paste runs as shown. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** What to run on a host (its console or over SSH) to join the hub. */
export function joinHubCommand(enrollment: string): string {
  return `quantix-host join-hub ${shellQuote(enrollment)}`;
}

export type EnrollmentStatus = 'active' | 'expired' | 'used' | 'revoked';

export function enrollmentStatus(e: Enrollment, now: number): EnrollmentStatus {
  if (e.revokedAt) return 'revoked';
  if (e.uses >= e.maxUses) return 'used';
  if (new Date(e.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

export const ENROLLMENT_STATUS_LABEL = {
  active: 'Active',
  expired: 'Expired',
  used: 'Used up',
  revoked: 'Revoked',
} satisfies Record<EnrollmentStatus, string>;

export interface EnrollmentForm {
  readonly label: string;
  readonly expiresInHours: string;
  readonly maxUses: string;
}

export const emptyEnrollmentForm = (): EnrollmentForm => ({ label: '', expiresInHours: '24', maxUses: '1' });

function intIn(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** shared's EnrollmentCreateRequest rules, repeated as plain checks (zod is not bundled). */
export function validateEnrollment(f: EnrollmentForm): Partial<Record<keyof EnrollmentForm, string>> {
  const e: Partial<Record<keyof EnrollmentForm, string>> = {};
  if (f.label.trim().length > 64) e.label = 'At most 64 characters.';
  if (intIn(f.expiresInHours, 1, 720) === null) e.expiresInHours = 'Whole hours, 1 to 720 (30 days).';
  if (intIn(f.maxUses, 1, 10_000) === null) e.maxUses = 'A whole number, 1 to 10000.';
  return e;
}

export function toEnrollmentRequest(f: EnrollmentForm): {
  label?: string;
  expiresInHours: number;
  maxUses: number;
} {
  const label = f.label.trim();
  return {
    ...(label ? { label } : {}),
    expiresInHours: Number(f.expiresInHours),
    maxUses: Number(f.maxUses),
  };
}
