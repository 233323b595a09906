import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { ensureCertificate, type HostCertificate } from '@quantix/shared/server';

/**
 * Real peers on 127.0.0.1 that fail the way hosts in the field do, for the hub to adopt: each
 * listens on a random port, records what it was sent, and is closed with every connection it has.
 */
export interface Peer {
  port: number;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** every request line and header block an HTTP(S) peer was sent, or the bytes a raw peer got */
  received(): string;
  /** TCP connections accepted */
  connections(): number;
  close(): Promise<void>;
}

/** A self-signed certificate of its own (not any host's), made once per test file. */
export async function peerCertificate(): Promise<{ cert: HostCertificate; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'qx-peer-'));
  const cert = await ensureCertificate({
    dir,
    hostname: 'impostor',
    organization: 'Not Quantix',
    addresses: [],
  });
  return { cert, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Listens on 127.0.0.1:0 and turns the server into a Peer that destroys its sockets on close. */
async function peerOf(server: Server, log: { text: string }): Promise<Peer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    received: () => log.text,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const describeRequest = (req: IncomingMessage) =>
  `${req.method} ${req.url}\n${Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n')}\n\n`;

/** A port that was just free: nothing listens there. */
export async function closedPort(): Promise<{ port: number; url: string }> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, url: `https://127.0.0.1:${port}` };
}

/** Plain HTTP (no TLS) answering JSON, behind the https:// URL an admin pasted. */
export function plainHttpPeer(): Promise<Peer> {
  const log = { text: '' };
  const server = createHttpServer((req, res) => {
    log.text += describeRequest(req);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  return peerOf(server, log);
}

/** An HTTPS server with its own certificate, answering every request with `handler`. */
export function httpsPeer(
  cert: HostCertificate,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Peer> {
  const log = { text: '' };
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    log.text += describeRequest(req);
    handler(req, res);
  });
  return peerOf(server, log);
}

/** Accepts TCP connections and never sends a byte (not even the TLS handshake). */
export function silentTcpPeer(): Promise<Peer> {
  const log = { text: '' };
  const server = createTcpServer((s) => {
    s.on('data', (d: Buffer) => (log.text += d.toString('latin1')));
  });
  return peerOf(server, log);
}

/** Completes the TLS handshake, reads the request, and never answers it. */
export function silentTlsPeer(cert: HostCertificate): Promise<Peer> {
  const log = { text: '' };
  const server = createTlsServer({ key: cert.key, cert: cert.cert }, (s) => {
    s.on('data', (d: Buffer) => (log.text += d.toString('utf8')));
    s.on('error', () => undefined);
  });
  return peerOf(server, log);
}

/**
 * A TLS proxy in the middle: it terminates TLS with its own certificate and forwards the
 * plaintext, both ways, over TLS to the real host. `received()` is every byte the hub sent it,
 * decrypted: what a man in the middle would read.
 */
export function tlsProxy(
  cert: HostCertificate,
  upstreamPort: number,
): Promise<Peer & { handshakes(): number }> {
  const log = { text: '' };
  let handshakes = 0;
  const upstreams = new Set<TLSSocket>();
  const server = createTlsServer({ key: cert.key, cert: cert.cert }, (client) => {
    handshakes++;
    const upstream = tlsConnect({ host: '127.0.0.1', port: upstreamPort, rejectUnauthorized: false });
    upstreams.add(upstream);
    client.on('data', (d: Buffer) => {
      log.text += d.toString('utf8');
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      upstreams.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return peerOf(server, log).then((peer) => ({
    ...peer,
    handshakes: () => handshakes,
    close: () => {
      for (const u of upstreams) u.destroy();
      return peer.close();
    },
  }));
}
