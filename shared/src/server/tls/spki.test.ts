import assert from 'node:assert/strict';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpkiFingerprint } from '@quantix/shared';
import { ensureCertificate, type HostCertificate } from './certificate.ts';
import { spkiFingerprint } from './spki.ts';

let root: string;
let host: HostCertificate;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qx-spki-'));
  host = await ensureCertificate({
    dir: root,
    organization: 'Quantix test',
    hostname: 'qx-spki',
    addresses: [],
  });
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('spkiFingerprint', () => {
  it('is sha256: + the SHA-256 of the SubjectPublicKeyInfo DER', () => {
    // Derive the SPKI from the private key, not from the certificate, for an independent check.
    const der = createPublicKey(host.key).export({ type: 'spki', format: 'der' });
    const expected = `sha256:${createHash('sha256').update(der).digest('hex')}`;
    assert.equal(spkiFingerprint(host.cert), expected);
    assert.equal(host.spki, expected);
    assert.ok(SpkiFingerprint.safeParse(expected).success);
  });

  it('accepts the certificate as a PEM Buffer or as DER', () => {
    const der = new X509Certificate(host.cert).raw;
    assert.equal(spkiFingerprint(Buffer.from(host.cert)), host.spki);
    assert.equal(spkiFingerprint(der), host.spki);
  });

  it('throws on something that is not a certificate', () => {
    assert.throws(() => spkiFingerprint('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'));
    assert.throws(() => spkiFingerprint(host.key));
  });
});
