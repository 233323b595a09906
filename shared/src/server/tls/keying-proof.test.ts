import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { ensureCertificate, type HostCertificate } from './certificate.ts';
import { signKeyingMaterial, verifyKeyingMaterial } from './keying-proof.ts';

const K = { label: 'EXPORTER-quantix-test-v1', bytes: 32 };

let root: string;
let server: HostCertificate;
let client: HostCertificate;
let other: HostCertificate;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qx-ekm-'));
  const make = (dir: string) =>
    ensureCertificate({ dir: join(root, dir), hostname: dir, organization: 'Quantix test', addresses: [] });
  [server, client, other] = await Promise.all([make('server'), make('client'), make('other')]);
});
after(() => rm(root, { recursive: true, force: true }));

/** A real TLS connection on 127.0.0.1: both ends, once the handshake is done on each. */
async function tlsPair(
  maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3',
): Promise<{ near: TLSSocket; far: TLSSocket; close: () => void }> {
  const srv = createServer({ key: server.key, cert: server.cert, maxVersion });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  const farP = new Promise<TLSSocket>((r) => srv.once('secureConnection', r));
  const near = await new Promise<TLSSocket>((resolve, reject) => {
    const c = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion }, () => resolve(c));
    c.once('error', reject);
  });
  const far = await farP;
  return {
    near,
    far,
    close: () => {
      near.destroy();
      far.destroy();
      srv.close();
    },
  };
}

describe('keying-material proof', () => {
  it('verifies on the other end of the same connection and names the signer’s SPKI', async () => {
    const c = await tlsPair();
    try {
      const sig = signKeyingMaterial(c.near, client.key, K);
      const r = verifyKeyingMaterial(c.far, client.cert, sig, K);
      assert.deepEqual(r, { ok: true, spki: client.spki });
    } finally {
      c.close();
    }
  });

  it('fails with another certificate, on another connection, or with another label', async () => {
    const one = await tlsPair();
    const two = await tlsPair();
    try {
      const sig = signKeyingMaterial(one.near, client.key, K);
      // the signer's key is not the certificate's
      assert.deepEqual(verifyKeyingMaterial(one.far, other.cert, sig, K), {
        ok: false,
        reason: 'bad-signature',
      });
      // replayed on another connection (what a relay in the middle would do)
      assert.deepEqual(verifyKeyingMaterial(two.far, client.cert, sig, K), {
        ok: false,
        reason: 'bad-signature',
      });
      assert.deepEqual(verifyKeyingMaterial(one.far, client.cert, sig, { ...K, label: 'EXPORTER-other' }), {
        ok: false,
        reason: 'bad-signature',
      });
      assert.deepEqual(verifyKeyingMaterial(one.far, client.cert, 'AAAA', K), {
        ok: false,
        reason: 'bad-signature',
      });
      assert.deepEqual(verifyKeyingMaterial(one.far, 'not a certificate', sig, K), {
        ok: false,
        reason: 'bad-certificate',
      });
    } finally {
      one.close();
      two.close();
    }
  });

  it('needs TLS 1.3', async () => {
    const c = await tlsPair('TLSv1.2');
    try {
      assert.throws(() => signKeyingMaterial(c.near, client.key, K), /TLS 1\.3/);
      assert.deepEqual(verifyKeyingMaterial(c.far, client.cert, 'A'.repeat(64), K), {
        ok: false,
        reason: 'not-tls13',
      });
    } finally {
      c.close();
    }
  });
});
