import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTlsServer, request } from 'node:https';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { ensureCertificate, type HostCertificate } from '@quantix/shared/server';
import { PinMismatchError } from '@quantix/shared/server';
import {
  hostRefusal,
  parseJsonResponse,
  readLimitedBody,
  requestTimeout,
  type TransportContext,
  transportError,
  unexpectedAnswer,
} from './transport-errors.ts';

// The way the host client will use these pieces: one GET to a checked address, no redirects
// followed, a body limit and a timeout. Certificate pinning is not part of this slice.
function get(
  port: number,
  path: string,
  opts: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<unknown> {
  const ctx: TransportContext = { hostUrl: `https://127.0.0.1:${port}`, phase: 'ping' };
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, timeout: timeoutMs },
      (res) => {
        readLimitedBody(res, opts.maxBytes ?? 64 * 1024, ctx)
          .then((body) => {
            const contentType = res.headers['content-type'] ?? '';
            resolve(parseJsonResponse({ status: res.statusCode ?? 0, contentType, body }, ctx));
          })
          .catch(reject);
      },
    );
    req.on('timeout', () => req.destroy(requestTimeout(ctx, timeoutMs)));
    req.on('error', (err) => reject(transportError(err, ctx)));
    req.end();
  });
}

function listen<T extends Server | TcpServer>(server: T): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function close(server: Server | TcpServer): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function expectCode(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.details?.phase, 'ping');
    assert.match(String(err.details?.hostUrl), /^https:\/\/127\.0\.0\.1:\d+$/);
    return true;
  };
}

describe('transport errors against real failing peers on 127.0.0.1', () => {
  let dir: string;
  let cert: HostCertificate;
  const servers: (Server | TcpServer)[] = [];
  const sockets = new Set<Socket>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-transport-'));
    cert = await ensureCertificate({ dir, hostname: 'peer', organization: 'Quantix test', addresses: [] });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map(close));
    await rm(dir, { recursive: true, force: true });
  });

  async function tls(handler: Parameters<typeof createTlsServer>[1]): Promise<number> {
    const server = createTlsServer({ key: cert.key, cert: cert.cert }, handler);
    servers.push(server);
    return listen(server);
  }

  it('a closed port is HOST_CONNECTION_FAILED', async () => {
    const probe = createTcpServer();
    const port = await listen(probe);
    await close(probe);
    await assert.rejects(get(port, '/api/v1/ping'), expectCode('HOST_CONNECTION_FAILED'));
  });

  it('plain HTTP behind an https URL is TLS_ERROR', async () => {
    const server = createHttpServer((_req, res) => res.end('hello'));
    servers.push(server);
    const port = await listen(server);
    await assert.rejects(get(port, '/api/v1/ping'), (err) => {
      expectCode('TLS_ERROR')(err);
      assert.match((err as Error).message, /plain HTTP/);
      return true;
    });
  });

  it('a peer that accepts and never answers is CONNECTION_TIMEOUT after the request timeout', async () => {
    const server = createTcpServer((socket) => sockets.add(socket));
    servers.push(server);
    const port = await listen(server);
    const started = Date.now();
    await assert.rejects(get(port, '/api/v1/ping', { timeoutMs: 300 }), expectCode('CONNECTION_TIMEOUT'));
    assert.ok(Date.now() - started < 2000);
  });

  it('a peer that drops the connection is HOST_CONNECTION_FAILED', async () => {
    const server = createTcpServer((socket) => socket.resetAndDestroy());
    servers.push(server);
    const port = await listen(server);
    await assert.rejects(get(port, '/api/v1/ping'), expectCode('HOST_CONNECTION_FAILED'));
  });

  it('a TLS server answering HTML to the ping is HOST_FIRMWARE_OUTDATED', async () => {
    const port = await tls((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>old</body></html>');
    });
    await assert.rejects(get(port, '/api/v1/ping'), expectCode('HOST_FIRMWARE_OUTDATED'));
  });

  it('a non-200 ping is HOST_API_NOT_AVAILABLE, a redirect REDIRECT_NOT_ALLOWED', async () => {
    const port = await tls((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: 'https://169.254.169.254/' }).end();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{}}');
    });
    await assert.rejects(get(port, '/api/v1/ping'), expectCode('HOST_API_NOT_AVAILABLE'));
    await assert.rejects(get(port, '/moved'), expectCode('REDIRECT_NOT_ALLOWED'));
  });

  it('malformed JSON is INVALID_RESPONSE, good JSON is returned', async () => {
    const port = await tls((req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(req.url === '/ok' ? '{"status":"ok"}' : '{"status":');
    });
    await assert.rejects(get(port, '/bad'), expectCode('INVALID_RESPONSE'));
    assert.deepEqual(await get(port, '/ok'), { status: 'ok' });
  });

  it('a body over the limit is INVALID_RESPONSE, declared or streamed', async () => {
    const big = Buffer.alloc(64 * 1024, 'x');
    const port = await tls((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': big.length }).end(big);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(big);
      res.end(big);
    });
    for (const path of ['/declared', '/streamed']) {
      await assert.rejects(get(port, path, { maxBytes: 1024 }), (err) => {
        expectCode('INVALID_RESPONSE')(err);
        assert.match((err as Error).message, /more than 1024 bytes/);
        return true;
      });
    }
  });
});

describe('transportError', () => {
  const ctx: TransportContext = { hostUrl: 'https://192.0.2.10:8443', phase: 'connect' };
  const cases: [Record<string, unknown>, string][] = [
    [{ code: 'ECONNREFUSED' }, 'HOST_CONNECTION_FAILED'],
    [{ code: 'ECONNRESET' }, 'HOST_CONNECTION_FAILED'],
    [{ code: 'ETIMEDOUT' }, 'CONNECTION_TIMEOUT'],
    [{ name: 'TimeoutError' }, 'CONNECTION_TIMEOUT'],
    [{ code: 'ENETUNREACH' }, 'NETWORK_UNREACHABLE'],
    [{ code: 'EHOSTUNREACH' }, 'NETWORK_UNREACHABLE'],
    [{ code: 'ENOTFOUND' }, 'NETWORK_UNREACHABLE'],
    [{ code: 'EPROTO', message: 'ssl3_get_record:wrong version number' }, 'TLS_ERROR'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'TLS_ERROR'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'TLS_ERROR'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'TLS_ERROR'],
    [{ message: 'something odd' }, 'HOST_CONNECTION_FAILED'],
  ];
  for (const [raw, code] of cases) {
    it(`${JSON.stringify(raw)} is ${code}`, () => {
      const err = transportError(Object.assign(new Error(String(raw.message ?? 'x')), raw), ctx);
      assert.equal(err.code, code);
      assert.deepEqual(err.details, { phase: 'connect', hostUrl: ctx.hostUrl });
      assert.ok(err.message.includes(ctx.hostUrl));
    });
  }

  it('passes an AppError through unchanged', () => {
    const original = requestTimeout(ctx, 1500);
    assert.equal(transportError(original, ctx), original);
    assert.match(original.message, /1\.5 s/);
  });
});

describe('the pinned key refused, the host refusing, a wrong shape', () => {
  const at = 'https://192.0.2.10:8443';
  const pinned = `sha256:${'ab'.repeat(32)}`;
  const other = `sha256:${'cd'.repeat(32)}`;

  it('a pin mismatch is HOST_IDENTITY_MISMATCH in the identity phase, naming both keys', () => {
    const err = transportError(new PinMismatchError(pinned, other), { hostUrl: at, phase: 'ping' });
    assert.equal(err.code, 'HOST_IDENTITY_MISMATCH');
    assert.deepEqual(err.details, { phase: 'identity', hostUrl: at });
    assert.ok(err.message.includes(other) && err.message.includes(pinned), err.message);
  });

  it("passes on the host's token errors with its own code and message", () => {
    for (const code of ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED'] as const) {
      const err = hostRefusal(
        401,
        { error: { code, message: 'registration token already used' } },
        {
          hostUrl: at,
          phase: 'token',
        },
      );
      assert.equal(err.code, code);
      assert.equal(err.message, 'registration token already used');
      assert.deepEqual(err.toBody().error, {
        code,
        message: 'registration token already used',
        phase: 'token',
        hostUrl: at,
      });
    }
  });

  it("passes on the host's rate limit with its Retry-After", () => {
    const err = hostRefusal(
      429,
      { error: { code: 'RATE_LIMITED', message: 'slow down' } },
      {
        hostUrl: at,
        phase: 'discovery',
      },
      '42',
    );
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.details?.retryAfterSeconds, 42);
  });

  it('any other refusal, or one without an error body, is INVALID_RESPONSE naming what the host said', () => {
    const internal = hostRefusal(
      500,
      { error: { code: 'INTERNAL', message: 'boom' } },
      {
        hostUrl: at,
        phase: 'complete',
      },
    );
    assert.equal(internal.code, 'INVALID_RESPONSE');
    assert.match(internal.message, /refused \(500 INTERNAL\): boom/);
    assert.equal(internal.details?.phase, 'complete');
    assert.equal(hostRefusal(502, { nope: 1 }, { hostUrl: at, phase: 'token' }).code, 'INVALID_RESPONSE');
  });

  it('a ping of another shape is HOST_FIRMWARE_OUTDATED; later, INVALID_RESPONSE', () => {
    assert.equal(
      unexpectedAnswer({ hostUrl: at, phase: 'ping' }, 'ping answer').code,
      'HOST_FIRMWARE_OUTDATED',
    );
    const later = unexpectedAnswer({ hostUrl: at, phase: 'discovery' }, 'discovery report');
    assert.equal(later.code, 'INVALID_RESPONSE');
    assert.match(later.message, /discovery report/);
  });
});
