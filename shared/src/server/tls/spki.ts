import { createHash, X509Certificate } from 'node:crypto';

/** `sha256:<hex>` of the certificate's SubjectPublicKeyInfo (DER). Stable across renewals with the same key. */
export function spkiFingerprint(certPem: string | Buffer): string {
  const der = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}
