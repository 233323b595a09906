import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { ensureCertificate } from '@quantix/shared/server';

/**
 * A TLS server with a certificate of its own, standing where a hub should be (a machine in the
 * middle): it answers every TLS handshake and counts the bytes any client sends it afterwards.
 */
export async function startTlsImpostor(): Promise<{
  url: string;
  spki: string;
  /** TCP connections accepted */
  connections: () => number;
  received: () => number;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'qx-impostor-'));
  const cert = await ensureCertificate({
    dir,
    hostname: 'impostor',
    organization: 'Impostor',
    addresses: [],
  });
  let received = 0;
  let connections = 0;
  const server = createServer({ key: cert.key, cert: cert.cert }, (s) => {
    s.on('data', (c: Buffer) => {
      received += c.length;
    });
    s.on('error', () => undefined);
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    spki: cert.spki,
    connections: () => connections,
    received: () => received,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
