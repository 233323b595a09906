import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { ensureCertificate, type HostCertificate } from './certificate.ts';
import { scheduleCertificateRenewal } from './certificate-renewal.ts';
import { secureContextOptions } from './tls-options.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-renew-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Which certificate does a new connection get? (The renewed one was made with a clock 380 days
// ahead, so it is "not yet valid" today: read it without verifying.)
function servedCert(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, rejectUnauthorized: false, agent: false }, (res) => {
      const peer = res.socket as import('node:tls').TLSSocket;
      resolve(peer.getPeerX509Certificate()?.serialNumber ?? '');
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TLS 1.2 client that offers CBC suites only. */
function cbcHandshake(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const s = connect(
      {
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        maxVersion: 'TLSv1.2',
        ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA',
      },
      () => {
        s.destroy();
        resolve('accepted');
      },
    );
    s.on('error', () => resolve('refused'));
  });
}

it('swaps a renewed certificate into the running server without a restart, keeping the key', async () => {
  const opts = { dir, organization: 'Quantix test', hostname: 'renew-test', addresses: [] };
  const first = await ensureCertificate(opts);
  const server = createServer(secureContextOptions(first), (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const before = await servedCert(port);

  const later = () => ensureCertificate({ ...opts, now: () => new Date(Date.now() + 380 * 86_400_000) });
  let renewed: HostCertificate | null = null;
  const stop = scheduleCertificateRenewal({
    server,
    current: first,
    ensure: later,
    onRenewed: (c) => {
      renewed = c;
    },
    onError: (err) => assert.fail(String(err)),
    intervalMs: 20,
  });
  for (let i = 0; i < 1500 && !renewed; i++) await new Promise((r) => setTimeout(r, 20));
  await stop();
  assert.ok(renewed, 'the renewal fired');
  const next = renewed as HostCertificate;
  assert.equal(next.spki, first.spki, 'same key, same fingerprint');
  assert.ok(next.notAfter > first.notAfter);
  const afterSerial = await servedCert(port);
  assert.notEqual(afterSerial, before, 'new connections get the renewed certificate');
  assert.equal(await cbcHandshake(port), 'refused', 'the renewed context still offers AEAD suites only');
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
