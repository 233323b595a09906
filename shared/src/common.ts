import { z } from 'zod';

export const API_VERSION = 'v1' as const;
export const API_PREFIX = '/api/v1' as const;

/** `sha256:` + 64 lowercase hex digits: the SHA-256 of a certificate's SubjectPublicKeyInfo (DER). */
export const SpkiFingerprint = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');
export type SpkiFingerprint = z.infer<typeof SpkiFingerprint>;

export const IsoTime = z.iso.datetime({ offset: true });

export const Username = z
  .string()
  .min(1)
  .max(32)
  .regex(
    /^[a-z_][a-z0-9_.-]*$/,
    'lowercase letters, digits, ".", "_" and "-", starting with a letter or "_"',
  );

/** NIST 800-63B style: length over composition rules. */
export const Password = z.string().min(10, 'at least 10 characters').max(256);
