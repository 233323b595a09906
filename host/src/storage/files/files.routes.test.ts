import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, FileListing, UploadResult } from '@quantix/shared';
import express, { type RequestHandler } from 'express';
import pino from 'pino';
import { apiNotFound, errorHandler, isCrossOrigin, sendError, writeGuard } from '@quantix/shared/server';
import { createFileBrowser } from './file-browser.service.ts';
import { contentDisposition, fileRoutes, isRawUploadRequest } from './files.routes.ts';
import { buildFixture, type Fixture, isoImage } from './test-fixture.ts';

const MiB = 1024 * 1024;
let fx: Fixture;
let server: Server;
let port: number;

/**
 * The server's writeGuard as files.routes needs it: the raw upload is exempt from "writes are JSON"
 * but still refused cross-origin.
 */
const guard: RequestHandler = (req, res, next) => {
  if (!isRawUploadRequest(req)) return writeGuard(req, res, next);
  if (isCrossOrigin(req)) return sendError(res, 'ORIGIN_FORBIDDEN', 'cross-origin request refused');
  next();
};

before(async () => {
  fx = await buildFixture();
  const pools: Record<string, string> = { alpha: fx.pool, sibling: fx.sibling };
  const api = express.Router();
  api.use(guard);
  api.use(express.json({ limit: '64kb', strict: true }));
  // the host's identify() stands here: an administrator's session (uploads need one)
  api.use((req, _res, next) => {
    req.principal = {
      kind: 'user',
      username: 'admin',
      session: { id: 's', username: 'admin', createdAt: 0, lastSeen: 0 },
    };
    next();
  });
  api.use(
    '/storage',
    fileRoutes({
      poolPath: async (name) => {
        const p = pools[name];
        if (!p) throw new AppError('POOL_NOT_FOUND', `no pool ${name}`);
        return p;
      },
      browser: createFileBrowser(),
      maxUploadBytes: () => MiB,
      uploadIdleTimeoutMs: 2000,
    }),
  );
  api.use(apiNotFound);
  const app = express();
  app.use('/api/v1', api);
  app.use(errorHandler(pino({ level: 'silent' })));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(fx.base, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: () => unknown;
  code: () => string | undefined;
}

/** A request with the path sent exactly as written: no client-side normalisation or encoding. */
function call(
  method: string,
  rawPath: string,
  opts: { headers?: Record<string, string | number>; body?: Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: rawPath, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const json = () => JSON.parse(body.toString('utf8')) as unknown;
        const code = () => (json() as { error?: { code?: string } }).error?.code;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json, code });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const FILES = '/api/v1/storage/pools/alpha/files';

async function uploadTemps(): Promise<string[]> {
  return (await readdir(fx.pool)).filter(
    (n) => n.startsWith('.upload-') && n !== '.upload-0123456789abcdef.part',
  );
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GET /storage/pools/:pool/files', () => {
  it('answers a FileListing, directories first', async () => {
    const r = await call('GET', FILES);
    assert.equal(r.status, 200);
    const listing = FileListing.parse(r.json());
    assert.equal(listing.pool, 'alpha');
    assert.equal(listing.entries[0]?.type, 'directory');
    assert.equal(listing.limit, 100);
  });

  it('pages and lists subdirectories', async () => {
    const r = await call('GET', `${FILES}?path=sub&offset=1&limit=1`);
    assert.equal(r.status, 200);
    const listing = FileListing.parse(r.json());
    assert.deepEqual(
      listing.entries.map((e) => e.path),
      ['sub/file.raw'],
    );
    assert.equal(listing.total, 2);
  });

  it('validates the query', async () => {
    for (const qs of ['limit=0', 'limit=501', 'offset=-1', 'offset=x', 'path=a&path=b']) {
      const r = await call('GET', `${FILES}?${qs}`);
      assert.equal(r.status, 400, qs);
      assert.equal(r.code(), 'VALIDATION_FAILED', qs);
    }
  });

  it('answers 404 for an unknown pool and 400 for a file', async () => {
    assert.equal((await call('GET', '/api/v1/storage/pools/nope/files')).status, 404);
    const r = await call('GET', `${FILES}?path=a..b.txt`);
    assert.equal(r.status, 400);
    assert.equal(r.code(), 'NOT_A_DIRECTORY');
  });
});

describe('path containment over HTTP (raw, percent-encoded query strings)', () => {
  const outside = [
    '%2e%2e%2falpha-sibling%2fsecret.txt',
    '..%2f..%2fetc%2fpasswd',
    '..%2Falpha-sibling%2Fsecret.txt',
    '..',
    '%2e%2e',
    '%2Fetc%2Fpasswd',
    '/etc/passwd',
    'link-out',
    'dir-link-out%2Fpasswd',
    'sub%2F..%2F..%2Falpha-sibling%2Fsecret.txt',
    'with%00nul',
    '%00',
  ];
  for (const qs of outside) {
    it(`403 PATH_OUTSIDE_POOL for ?path=${qs} (list and download)`, async () => {
      for (const route of [FILES, `${FILES}/download`]) {
        const r = await call('GET', `${route}?path=${qs}`);
        assert.equal(r.status, 403, `${route} ${r.body}`);
        assert.equal(r.code(), 'PATH_OUTSIDE_POOL');
        assert.doesNotMatch(r.body.toString(), /sibling secret|root:/);
      }
    });
  }

  it('decodes once only: a double-encoded dot-dot is a missing name', async () => {
    const r = await call('GET', `${FILES}/download?path=%252e%252e%252falpha-sibling%252fsecret.txt`);
    assert.equal(r.status, 404);
    assert.equal(r.code(), 'FILE_NOT_FOUND');
  });

  it('lets `a..b.txt` and an in-pool symlink through', async () => {
    const r = await call('GET', `${FILES}/download?path=a..b.txt`);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'dots in the middle are fine\n');
    const l = await call('GET', `${FILES}/download?path=link-in`);
    assert.equal(l.status, 200);
    assert.equal(l.body.length, 4096);
  });
});

describe('GET /storage/pools/:pool/files/download', () => {
  it('sends the file as an attachment with its length', async () => {
    const r = await call('GET', `${FILES}/download?path=installer.iso`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/octet-stream');
    assert.equal(r.headers['content-length'], String(40 * 1024));
    assert.equal(
      r.headers['content-disposition'],
      `attachment; filename="installer.iso"; filename*=UTF-8''installer.iso`,
    );
    assert.deepEqual(r.body, await readFile(join(fx.pool, 'installer.iso')));
  });

  it('encodes a non-ASCII name per RFC 5987 with an ASCII fallback', async () => {
    const r = await call('GET', `${FILES}/download?path=${encodeURIComponent('Ünïcode name.txt')}`);
    assert.equal(r.status, 200);
    assert.equal(
      r.headers['content-disposition'],
      `attachment; filename="_n_code name.txt"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20name.txt`,
    );
  });

  it('answers HEAD with headers only', async () => {
    const r = await call('HEAD', `${FILES}/download?path=installer.iso`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(40 * 1024));
    assert.equal(r.body.length, 0);
  });

  it('refuses directories, FIFOs, missing files and a missing path', async () => {
    assert.equal((await call('GET', `${FILES}/download?path=sub`)).code(), 'NOT_A_FILE');
    assert.equal((await call('GET', `${FILES}/download?path=fifo`)).code(), 'NOT_A_FILE');
    assert.equal((await call('GET', `${FILES}/download?path=nope`)).status, 404);
    assert.equal((await call('GET', `${FILES}/download`)).code(), 'VALIDATION_FAILED');
  });
});

describe('contentDisposition', () => {
  it('quotes safely', () => {
    assert.equal(
      contentDisposition(`a"b\\c%d'(e).iso`),
      `attachment; filename="a_b_c_d'(e).iso"; filename*=UTF-8''a%22b%5Cc%25d%27%28e%29.iso`,
    );
    assert.match(
      contentDisposition('x\r\ny.iso'),
      /^attachment; filename="x__y.iso"; filename\*=UTF-8''x%0D%0Ay.iso$/,
    );
  });
});

describe('PUT /storage/pools/:pool/files/:name', () => {
  const octet = (body: Buffer, extra: Record<string, string | number> = {}) => ({
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, ...extra },
    body,
  });

  it('stores a raw body under the sanitized name and answers 201 UploadResult', async () => {
    const body = isoImage(100_000);
    const r = await call('PUT', `${FILES}/..%2F..%2Fetc%2Fpasswd.iso`, octet(body));
    assert.equal(r.status, 201, r.body.toString());
    assert.deepEqual(UploadResult.parse(r.json()), {
      name: 'passwd.iso',
      path: 'passwd.iso',
      size: 100_000,
      format: 'raw',
      virtualSize: 100_352,
    });
    assert.deepEqual(await readFile(join(fx.pool, 'passwd.iso')), body);
    assert.deepEqual(await uploadTemps(), []);
  });

  it('refuses an existing name with 409 and leaves it alone', async () => {
    await writeFile(join(fx.pool, 'taken.iso'), 'original');
    const r = await call('PUT', `${FILES}/taken.iso`, octet(isoImage(100_000)));
    assert.equal(r.status, 409);
    assert.equal(r.code(), 'UPLOAD_EXISTS');
    assert.equal(await readFile(join(fx.pool, 'taken.iso'), 'utf8'), 'original');
  });

  it('needs application/octet-stream, an image name and ISO content for an .iso', async () => {
    const body = isoImage(100_000);
    const typed = await call('PUT', `${FILES}/t.iso`, octet(body, { 'Content-Type': 'text/plain' }));
    assert.equal(typed.status, 415);
    const named = await call('PUT', `${FILES}/t.vmdk`, octet(body));
    assert.equal(named.code(), 'VALIDATION_FAILED');
    const content = await call('PUT', `${FILES}/t.iso`, octet(Buffer.alloc(100_000)));
    assert.equal(content.code(), 'VALIDATION_FAILED');
    assert.deepEqual(await uploadTemps(), []);
  });

  it('inspects a disk image: a qcow2 with a backing file is refused (422) and leaves nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qximg-api-'));
    try {
      execFileSync('qemu-img', ['create', '-f', 'qcow2', join(dir, 'base.qcow2'), '8M']);
      execFileSync('qemu-img', [
        'create',
        '-f',
        'qcow2',
        '-b',
        '/etc/passwd',
        '-F',
        'raw',
        join(dir, 'evil.qcow2'),
      ]);
      const r = await call('PUT', `${FILES}/evil.qcow2`, octet(await readFile(join(dir, 'evil.qcow2'))));
      assert.equal(r.status, 422, r.body.toString());
      assert.equal(r.code(), 'IMAGE_REFUSED');
      assert.match(String((r.json() as { error: { message: string } }).error.message), /backing file/);
      assert.deepEqual(await uploadTemps(), []);
      await assert.rejects(readFile(join(fx.pool, 'evil.qcow2')), { code: 'ENOENT' });
      // a self-contained qcow2 named .img passes, reported as qcow2
      const ok = await call('PUT', `${FILES}/cloud-qx.img`, octet(await readFile(join(dir, 'base.qcow2'))));
      assert.equal(ok.status, 201, ok.body.toString());
      const result = UploadResult.parse(ok.json());
      assert.equal(result.format, 'qcow2');
      assert.equal(result.virtualSize, 8 * MiB);
      // and a raw image named .qcow2 is raw
      const raw = await call('PUT', `${FILES}/really-raw.qcow2`, octet(Buffer.alloc(64 * 1024, 1)));
      assert.equal(raw.status, 201, raw.body.toString());
      assert.equal(UploadResult.parse(raw.json()).format, 'raw');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(join(fx.pool, 'cloud-qx.img'), { force: true });
      await rm(join(fx.pool, 'really-raw.qcow2'), { force: true });
    }
  });

  it('refuses a cross-origin upload', async () => {
    const r = await call(
      'PUT',
      `${FILES}/x.iso`,
      octet(isoImage(100_000), { Origin: 'https://evil.example' }),
    );
    assert.equal(r.status, 403);
    assert.equal(r.code(), 'ORIGIN_FORBIDDEN');
  });

  it('answers 413 from the Content-Length alone, before any of the body is sent', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: `${FILES}/big.iso`,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': 10 * MiB },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(r, 413);
    assert.deepEqual(await uploadTemps(), []);
  });

  it('answers 413 UPLOAD_TOO_LARGE to a chunked body that passes the limit, and keeps no temp file', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: `${FILES}/chunked.iso`,
          headers: { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = isoImage(256 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 3 * MiB) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(reply.status, 413);
    assert.match(reply.body, /UPLOAD_TOO_LARGE/);
    await waitFor('no temp file', async () => (await uploadTemps()).length === 0);
    await assert.rejects(readFile(join(fx.pool, 'chunked.iso')));
  });

  it('removes the temp file when the client disconnects mid-upload', async () => {
    const sock = connect(port, '127.0.0.1');
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write(
      `PUT ${FILES}/gone.iso HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n` +
        `Content-Length: ${MiB}\r\n\r\n`,
    );
    sock.write(isoImage(256 * 1024));
    await waitFor('the temp file', async () => (await uploadTemps()).length === 1);
    sock.destroy();
    await waitFor('the temp file to go', async () => (await uploadTemps()).length === 0);
    await assert.rejects(readFile(join(fx.pool, 'gone.iso')));
  });
});
