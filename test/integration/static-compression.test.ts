import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type RunningHost, startHost, tempDataDir } from '../support/host-process.ts';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GET with the given Accept-Encoding (none when null); the body exactly as it came off the wire. */
function fetchRaw(host: RunningHost, path: string, acceptEncoding: string | null): Promise<RawResponse> {
  const headers: Record<string, string> =
    acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding };
  return new Promise((resolve, reject) => {
    const req = request(`${host.url}${path}`, { ca: host.ca, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(r: RawResponse): Buffer {
  const coding = r.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(r.body);
  if (coding === 'gzip') return gunzipSync(r.body);
  assert.equal(coding, undefined, `unexpected content-encoding ${coding}`);
  return r.body;
}

const CHROMIUM = 'gzip, deflate, br, zstd';

describe('the web UI goes out precompressed (real host, built UI)', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let assets: string[] = [];
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    const index = (await fetchRaw(host, '/', null)).body.toString('utf8');
    assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('index.html references the shell script and style sheet', () => {
    assert.ok(
      assets.some((a) => a.endsWith('.js')),
      `assets: ${assets.join(', ')}`,
    );
    assert.ok(assets.some((a) => a.endsWith('.css')));
  });

  for (const path of ['/', '/vms/some-spa-route', '/favicon.svg']) {
    it(`${path}: br, gzip and identity decode to the same bytes, and say they vary`, async () => {
      await sameBytesEveryWay(path);
    });
  }

  it('hashed assets: br, gzip and identity decode to the same bytes, cached for good', async () => {
    for (const path of assets) {
      const variants = await sameBytesEveryWay(path);
      for (const v of variants) {
        assert.match(String(v.headers['cache-control']), /immutable/, path);
        assert.match(String(v.headers['cache-control']), /max-age=31536000/, path);
      }
    }
  });

  it('compresses the shell script to well under half its size', async () => {
    const js = assets.find((a) => a.endsWith('.js')) ?? '';
    const plain = await fetchRaw(host, js, 'identity');
    const br = await fetchRaw(host, js, 'br');
    assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} of ${plain.body.length} bytes`);
    assert.equal(Number(br.headers['content-length']), br.body.length);
  });

  it('index.html stays uncached in every encoding', async () => {
    for (const enc of ['br', 'gzip', 'identity']) {
      const r = await fetchRaw(host, '/', enc);
      assert.equal(r.headers['cache-control'], 'no-store', enc);
    }
  });

  it('prefers brotli when both are offered, follows q-values, and sends identity when nothing fits', async () => {
    const js = assets.find((a) => a.endsWith('.js')) ?? '';
    const coding = async (ae: string | null) => (await fetchRaw(host, js, ae)).headers['content-encoding'];
    assert.equal(await coding(CHROMIUM), 'br');
    assert.equal(await coding('gzip, br;q=0.5'), 'gzip');
    assert.equal(await coding('br;q=0, gzip'), 'gzip');
    assert.equal(await coding('*'), 'br');
    assert.equal(await coding(null), undefined);
    assert.equal(await coding('deflate'), undefined);
  });

  it('an unknown asset is still a 404, not index.html', async () => {
    const r = await fetchRaw(host, '/assets/nope-12345678.js', CHROMIUM);
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-encoding'], undefined);
  });

  /** Fetches `path` as br, gzip, identity and with no Accept-Encoding; all decode to one body. */
  async function sameBytesEveryWay(path: string): Promise<RawResponse[]> {
    const br = await fetchRaw(host, path, 'br');
    const gzip = await fetchRaw(host, path, 'gzip');
    const identity = await fetchRaw(host, path, 'identity');
    const none = await fetchRaw(host, path, null);
    assert.equal(br.headers['content-encoding'], 'br', path);
    assert.equal(gzip.headers['content-encoding'], 'gzip', path);
    assert.equal(identity.headers['content-encoding'], undefined, path);
    assert.equal(none.headers['content-encoding'], undefined, path);
    const all = [br, gzip, identity, none];
    for (const r of all) {
      assert.equal(r.status, 200, path);
      assert.match(String(r.headers.vary), /accept-encoding/i, path);
      assert.equal(r.headers['content-type'], identity.headers['content-type'], path);
      assert.ok(decoded(r).equals(identity.body), `${path} as ${r.headers['content-encoding']}`);
    }
    assert.ok(br.body.length < identity.body.length && gzip.body.length < identity.body.length, path);
    return all;
  }
});
