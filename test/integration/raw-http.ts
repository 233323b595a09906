import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import type { RunningHost } from '../support/host-process.ts';

/**
 * Requests as an attacker or an odd client sends them: the path exactly as given (no URL
 * normalisation) and any Host header. TLS is still verified against the host's own certificate;
 * only the name check is skipped, since the Host header may name anything.
 */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export function rawRequest(
  host: RunningHost,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: '127.0.0.1',
        port: host.port,
        path,
        method: opts.method ?? 'GET',
        headers,
        ca: host.ca,
        servername: 'localhost',
        checkServerIdentity: () => undefined,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = String(res.headers['content-type']).includes('application/json');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: isJson ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface UpgradeAnswer {
  /** the status of the server's answer, 0 if none came */
  status: number;
  /** everything the server sent before the socket closed (or, for a 101, the response head) */
  text: string;
  socket: TLSSocket;
  /** true once the server has closed the connection; false if it still held it after `waitMs` */
  closedByServer: Promise<boolean>;
}

/** A WebSocket upgrade request on a raw TLS socket. Resolves at the response head or the close. */
export function rawUpgrade(
  host: RunningHost,
  path: string,
  headers: Record<string, string> = {},
  waitMs = 10_000,
): Promise<UpgradeAnswer> {
  const socket = connect({
    host: '127.0.0.1',
    port: host.port,
    ca: host.ca,
    servername: 'localhost',
    checkServerIdentity: () => undefined,
  });
  const all = {
    host: `127.0.0.1:${host.port}`,
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  };
  socket.write(
    `GET ${path} HTTP/1.1\r\n${Object.entries(all)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
  );
  let text = '';
  let closed = false;
  socket.on('error', () => {});
  const closedByServer = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, waitMs);
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve(true);
    });
  });
  return new Promise((resolve) => {
    const done = () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, socket, closedByServer });
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      if (/^HTTP\/1\.1 101/.test(text) && text.includes('\r\n\r\n')) done();
    });
    void closedByServer.then(done);
    if (closed) done();
  });
}
