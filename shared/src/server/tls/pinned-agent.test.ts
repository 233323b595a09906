import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ensureCertificate, type HostCertificate } from './certificate.ts';
import { PinMismatchError, PinnedAgent, peerSpki } from './pinned-agent.ts';

let root: string;
let good: HostCertificate;
let other: HostCertificate;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qx-pin-'));
  const make = (dir: string) =>
    ensureCertificate({
      dir: join(root, dir),
      hostname: 'pin-test',
      organization: 'Quantix test',
      addresses: [],
    });
  good = await make('good');
  other = await make('other');
});
after(() => rm(root, { recursive: true, force: true }));

/** A TLS server that answers every request with 200 and counts the bytes any peer sent it. */
async function tlsPeer(
  cert: HostCertificate,
): Promise<{ port: number; received: () => number; close: () => void }> {
  let received = 0;
  const server = createServer({ key: cert.key, cert: cert.cert }, (s) => {
    s.on('data', (chunk: Uint8Array) => {
      received += chunk.length;
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => server.close(),
  };
}

function get(port: number, agent: PinnedAgent): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('PinnedAgent', () => {
  it('talks to the peer whose key is pinned, whatever its certificate (self-signed, any name)', async () => {
    const peer = await tlsPeer(good);
    try {
      const verified: string[] = [];
      const agent = new PinnedAgent({
        spki: good.spki,
        onVerified: (s) => verified.push(peerSpki(s) ?? ''),
      });
      const res = await get(peer.port, agent);
      assert.equal(res.status, 200);
      assert.deepEqual(verified, [good.spki]);
    } finally {
      peer.close();
    }
  });

  it('refuses another key before a byte of the request is written', async () => {
    const peer = await tlsPeer(other);
    try {
      const agent = new PinnedAgent({ spki: good.spki });
      await assert.rejects(get(peer.port, agent), (err: unknown) => {
        assert.ok(err instanceof PinMismatchError);
        assert.equal(err.actual, other.spki);
        return true;
      });
      // let any late write arrive before counting
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(peer.received(), 0, 'the wrong peer must receive no application data');
    } finally {
      peer.close();
    }
  });

  it('gives up on a peer that accepts and never finishes the handshake, at the timeout', async () => {
    const sockets: Socket[] = [];
    let closed = 0;
    const silent = createTcpServer((s) => {
      sockets.push(s);
      s.resume(); // read (and ignore) the ClientHello, so the peer's FIN is seen
      s.on('close', () => closed++);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      await assert.rejects(get(port, new PinnedAgent({ spki: good.spki, timeout: 300 })), {
        code: 'ETIMEDOUT',
      });
      // the hub's side closed the socket: the silent peer sees it go
      for (let i = 0; i < 100 && closed < 1; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(closed, 1);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('passes connection errors through with their code', async () => {
    const peer = await tlsPeer(good);
    const { port } = peer;
    peer.close();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(get(port, new PinnedAgent({ spki: good.spki })), { code: 'ECONNREFUSED' });
  });
});
