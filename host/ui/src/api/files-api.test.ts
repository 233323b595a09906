import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { createFilesApi, type XhrLike } from './files-api.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';

class FakeXhr implements XhrLike {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: Blob | null = null;
  status = 0;
  responseText = '';
  upload: XhrLike['upload'] = { onprogress: null };
  onload: XhrLike['onload'] = null;
  onerror: XhrLike['onerror'] = null;
  onabort: XhrLike['onabort'] = null;
  ontimeout: XhrLike['ontimeout'] = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: Blob) {
    this.body = body;
  }
  abort() {
    this.onabort?.(new Event('abort') as ProgressEvent);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.(new Event('load') as ProgressEvent);
  }
}

function setup() {
  const xhrs: FakeXhr[] = [];
  const errors: ApiError[] = [];
  const api = createFilesApi({
    http: {} as HttpClient,
    loadInto: Object.assign(async () => {}, { put: () => {} }),
    base: '/api/v1',
    makeXhr: () => {
      const x = new FakeXhr();
      xhrs.push(x);
      return x;
    },
    onError: (e) => errors.push(e),
  });
  return { api, xhrs, errors };
}

const iso = () => new File([new Uint8Array(10)], 'debian 12.iso');

test('upload PUTs the raw file into the folder and reports progress', async () => {
  const { api, xhrs } = setup();
  const seen: Array<[number, number]> = [];
  const h = api.upload('default-pool', 'iso/new', iso(), (l, t) => seen.push([l, t]));
  const x = xhrs[0];
  assert.ok(x);
  assert.equal(x.method, 'PUT');
  assert.equal(x.url, '/api/v1/storage/pools/default-pool/files/debian%2012.iso?path=iso%2Fnew');
  assert.equal(x.headers['Content-Type'], 'application/octet-stream');
  x.progress(5, 10);
  x.respond(201, { name: 'debian_12.iso', path: 'iso/new/debian_12.iso', size: 10 });
  assert.deepEqual(seen, [[5, 10]]);
  assert.deepEqual(await h.done, { name: 'debian_12.iso', path: 'iso/new/debian_12.iso', size: 10 });
});

test('a refused upload becomes an ApiError with the host code', async () => {
  const { api, xhrs, errors } = setup();
  const h = api.upload('p', '', iso(), () => {});
  assert.equal(xhrs[0]?.url, '/api/v1/storage/pools/p/files/debian%2012.iso');
  xhrs[0]?.respond(409, { error: { code: 'UPLOAD_EXISTS', message: 'debian_12.iso exists' } });
  await assert.rejects(h.done, { code: 'UPLOAD_EXISTS', message: 'debian_12.iso exists' });
  assert.equal(errors.length, 1);
});

test('Cancel aborts, without reporting an error', async () => {
  const { api, errors } = setup();
  const h = api.upload('p', '', iso(), () => {});
  h.abort();
  await assert.rejects(h.done, { code: 'ABORTED' });
  assert.equal(errors.length, 0);
});

test('download links carry the path as a query', () => {
  const { api } = setup();
  assert.equal(
    api.downloadUrl('p', 'iso/a b.iso'),
    '/api/v1/storage/pools/p/files/download?path=iso%2Fa+b.iso',
  );
});
