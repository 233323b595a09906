import type { SecureContextOptions } from 'node:tls';
import type { HostCertificate } from './certificate.ts';

/**
 * TLS 1.2 offers AEAD suites only: CBC suites are what LUCKY13 attacks. The key is EC P-256, so
 * ECDHE-ECDSA with AES-GCM or ChaCha20-Poly1305. TLS 1.3's suites are all AEAD and stay Node's.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
].join(':');

/**
 * The server's TLS settings, in one place: the listening server and every renewal swapped into it
 * (`setSecureContext` builds a new context from these options alone, so a renewal that passed
 * only key and cert would bring the CBC suites back).
 */
export function secureContextOptions(cert: HostCertificate): SecureContextOptions {
  return {
    key: cert.key,
    cert: cert.cert,
    minVersion: 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
  };
}
