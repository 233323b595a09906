import { sign, verify, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { spkiOfCertificate } from './pinned-agent.ts';

/**
 * Proof of key possession bound to one TLS connection: the client signs the connection's RFC 5705
 * exported keying material with its certificate's key, the server computes the same material on
 * its end and verifies the signature with the certificate's public key. Both ends derive the
 * material from the handshake's secrets, so a signature is worthless on any other connection (a
 * relay in the middle has two connections with two different values) and nothing secret is sent.
 * TLS 1.3 only: its exporter is bound to the whole handshake.
 */
export interface KeyingLabel {
  /** the RFC 5705 label, e.g. `EXPORTER-quantix-link-v1` */
  label: string;
  bytes: number;
}

function keyingMaterial(socket: TLSSocket, k: KeyingLabel): Buffer {
  if (socket.getProtocol() !== 'TLSv1.3') throw new Error('keying-material proofs need TLS 1.3');
  // no context: TLS 1.3 treats an absent context as an empty one, on both ends
  return socket.exportKeyingMaterial(k.bytes, k.label, Buffer.alloc(0));
}

/** base64url ECDSA/EdDSA/RSA signature (SHA-256) by `keyPem` over the connection's keying material. */
export function signKeyingMaterial(socket: TLSSocket, keyPem: string, k: KeyingLabel): string {
  return sign('sha256', keyingMaterial(socket, k), keyPem).toString('base64url');
}

export type KeyingProofResult =
  | { ok: true; spki: string }
  | { ok: false; reason: 'bad-certificate' | 'bad-signature' | 'not-tls13' };

/**
 * Checks a proof made by signKeyingMaterial on the other end of `socket`. On success answers the
 * SPKI fingerprint of the certificate whose key signed: the caller compares it with its pin.
 */
export function verifyKeyingMaterial(
  socket: TLSSocket,
  certificatePem: string,
  signature: string,
  k: KeyingLabel,
): KeyingProofResult {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    return { ok: false, reason: 'bad-certificate' };
  }
  let material: Buffer;
  try {
    material = keyingMaterial(socket, k);
  } catch {
    return { ok: false, reason: 'not-tls13' };
  }
  let good = false;
  try {
    good = verify('sha256', material, cert.publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    good = false;
  }
  return good ? { ok: true, spki: spkiOfCertificate(cert) } : { ok: false, reason: 'bad-signature' };
}
