import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, parseRetryAfter, toErrorInfo } from './api-error.ts';
import { createHttpClient } from './http-client.ts';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

test('GET sends credentials and parses JSON', async () => {
  const f = fakeFetch(() => json(200, { setupRequired: false }));
  const http = createHttpClient({ fetch: f.fn, base: '/api/v1' });
  assert.deepEqual(await http.get('/setup/status'), { setupRequired: false });
  assert.equal(f.calls[0]?.url, '/api/v1/setup/status');
  assert.equal(f.calls[0]?.init.credentials, 'same-origin');
  assert.equal(f.calls[0]?.init.method, 'GET');
});

test('writes are JSON; 204 gives undefined', async () => {
  const f = fakeFetch(() => new Response(null, { status: 204 }));
  const http = createHttpClient({ fetch: f.fn, base: '' });
  assert.equal(await http.post('/x', { a: 1 }), undefined);
  assert.equal(f.calls[0]?.init.body, '{"a":1}');
  const headers = f.calls[0]?.init.headers as Record<string, string> | undefined;
  assert.equal(headers?.['Content-Type'], 'application/json');
  await http.del('/y');
  assert.equal(f.calls[1]?.init.method, 'DELETE');
  assert.equal(f.calls[1]?.init.body, undefined);
});

test('error bodies become ApiError with code, status and Retry-After', async () => {
  const f = fakeFetch(() =>
    json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'Retry-After': '120' }),
  );
  const seen: ApiError[] = [];
  const http = createHttpClient({ fetch: f.fn, base: '', onError: (e) => seen.push(e) });
  await assert.rejects(http.post('/auth/login', {}), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.message, 'slow down');
    assert.equal(err.status, 429);
    assert.equal(err.retryAfter, 120);
    return true;
  });
  assert.equal(seen.length, 1);
});

test('quiet requests do not reach onError', async () => {
  const f = fakeFetch(() => json(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }));
  const seen: ApiError[] = [];
  const http = createHttpClient({ fetch: f.fn, base: '', onError: (e) => seen.push(e) });
  await assert.rejects(http.get('/auth/session', { quiet: true }), { code: 'UNAUTHENTICATED' });
  assert.equal(seen.length, 0);
});

test('a non-JSON error page and a network failure still give an ApiError', async () => {
  const html = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
  await assert.rejects(createHttpClient({ fetch: html.fn, base: '' }).get('/x'), {
    code: 'BAD_RESPONSE',
    status: 502,
  });
  const down = fakeFetch(() => {
    throw new TypeError('Failed to fetch');
  });
  await assert.rejects(createHttpClient({ fetch: down.fn, base: '' }).get('/x'), { code: 'NETWORK_ERROR' });
  const odd = fakeFetch(() => json(500, { nope: true }));
  await assert.rejects(createHttpClient({ fetch: odd.fn, base: '' }).get('/x'), {
    code: 'BAD_RESPONSE',
    message: 'Request failed (HTTP 500).',
  });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  const now = Date.UTC(2025, 0, 1, 0, 0, 0);
  assert.equal(parseRetryAfter('30', now), 30);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:01:00 GMT', now), 60);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter('soon', now), null);
});

test('toErrorInfo flattens anything thrown', () => {
  assert.deepEqual(toErrorInfo(new ApiError('NOT_FOUND', 'gone')), { code: 'NOT_FOUND', message: 'gone' });
  assert.deepEqual(toErrorInfo(new Error('boom')), { code: 'INTERNAL', message: 'boom' });
  assert.deepEqual(toErrorInfo('x'), { code: 'INTERNAL', message: 'x' });
});

test('PUT is JSON; extra headers (X-Quantix-Task) go along', async () => {
  const f = fakeFetch(() => new Response(null, { status: 204 }));
  const http = createHttpClient({ fetch: f.fn, base: '' });
  await http.put('/vms/x/autostart', { autostart: true });
  assert.equal(f.calls[0]?.init.method, 'PUT');
  assert.equal(f.calls[0]?.init.body, '{"autostart":true}');
  await http.del('/vms/x?deleteVolumes=true', { headers: { 'X-Quantix-Task': 'abcdefghijklmnopqrstuv' } });
  const headers = f.calls[1]?.init.headers as Record<string, string> | undefined;
  assert.equal(headers?.['X-Quantix-Task'], 'abcdefghijklmnopqrstuv');
  assert.equal(headers?.['Content-Type'], 'application/json');
});
