import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tcpConnect } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { type RunningHost, startHost, tempDataDir } from '../support/host-process.ts';

type Outcome = { ok: true; protocol: string | null; cipher: string } | { ok: false; code: string };

function handshake(host: RunningHost, opts: ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect(
      { host: '127.0.0.1', port: host.port, ca: host.ca, servername: 'localhost', ...opts },
      () => {
        resolve({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher().name });
        s.destroy();
      },
    );
    s.setTimeout(10_000, () => s.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    s.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? String(err) }));
  });
}

describe('TLS: AEAD suites only, TLS 1.2 and 1.3', () => {
  const data = tempDataDir();
  let host: RunningHost;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('refuses a TLS 1.2 client that offers CBC suites only (LUCKY13)', async () => {
    for (const ciphers of [
      'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA',
    ]) {
      const r = await handshake(host, { maxVersion: 'TLSv1.2', ciphers });
      // the server's alert, not a client-side failure
      assert.deepEqual(r, { ok: false, code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, ciphers);
    }
  });

  it('accepts TLS 1.2 with ECDHE-ECDSA AES-GCM or ChaCha20-Poly1305', async () => {
    for (const cipher of [
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
    ]) {
      assert.deepEqual(await handshake(host, { maxVersion: 'TLSv1.2', ciphers: cipher }), {
        ok: true,
        protocol: 'TLSv1.2',
        cipher,
      });
    }
  });

  it('prefers AEAD even when a client lists CBC first', async () => {
    const r = await handshake(host, {
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256',
    });
    assert.deepEqual(r, { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
  });

  it('keeps TLS 1.3 as it was', async () => {
    const r = await handshake(host, {});
    assert.equal(r.ok && r.protocol, 'TLSv1.3');
    assert.ok(r.ok && /^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$/.test(r.cipher));
  });

  it('closes a connection that never starts the TLS handshake (it would hold a descriptor)', async () => {
    const silent = tcpConnect({ host: '127.0.0.1', port: host.port });
    silent.on('error', () => {});
    // Node's default handshake timeout is 120 s; ours is 10 s. Bounded wait: 40 s.
    const closedByServer = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 40_000);
      silent.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    silent.destroy();
    assert.ok(closedByServer, 'the server closed the silent connection');
  });

  it('refuses TLS 1.1 and 1.0', async () => {
    for (const version of ['TLSv1.1', 'TLSv1'] as const) {
      // SECLEVEL=0 so that our own client can offer them at all: the refusal is the server's
      const r = await handshake(host, {
        minVersion: version,
        maxVersion: version,
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      assert.deepEqual(r, { ok: false, code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' }, version);
    }
  });
});
