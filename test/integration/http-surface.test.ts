import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorBody } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { rawRequest } from './raw-http.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

describe('HTTP surface: JSON errors, security headers, limits', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('an unknown /api route is a JSON 404, never the SPA page, whatever the method or auth', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v1/registration/pingx/deeper'],
      ['POST', '/api/v1/does/not/exist'],
      ['GET', '/api/v2/registration/ping'],
      ['GET', '/api/'],
      ['DELETE', '/api/v1/x'],
    ] as const) {
      for (const jar of [undefined, admin]) {
        const res = await host.api(path, { method, ...(jar ? { jar } : {}) });
        assert.match(String(res.headers['content-type']), /application\/json/, `${method} ${path}`);
        assert.ok(!res.text.includes('<html'), `${method} ${path} must not be HTML`);
        if (path !== '/api/v1/registration/pingx/deeper') assert.equal(res.status, 404, `${method} ${path}`);
        assert.ok(['NOT_FOUND', 'UNAUTHENTICATED'].includes(code(res.json)));
      }
    }
  });

  it('anything that normalises under /api is JSON, never the SPA page', async () => {
    for (const path of [
      '//api/v1/x',
      '//api/v1/registration/ping',
      '///api//v1/x',
      '/api%2fv1/x',
      '/api%2Fv1/registration/ping',
      '/API%2fv1/x',
      '/./api/v1/x',
      '/%2e/api/v1/x',
      '/vms/../api/v1/x',
      '/%61pi/v1/x',
      '/\\api/v1/x',
    ]) {
      for (const jar of [undefined, admin]) {
        const res = await rawRequest(host, path, jar ? { headers: { cookie: jar.header() } } : {});
        assert.match(String(res.headers['content-type']), /application\/json/, path);
        assert.ok(!res.text.includes('<html'), `${path} must not be HTML`);
        assert.equal(res.status, 404, path);
        assert.equal(code(res.json), 'NOT_FOUND', path);
      }
    }
    // the UI's own routes still get the page
    assert.match(String((await rawRequest(host, '/vms')).headers['content-type']), /text\/html/);
  });

  it('a 404 echoes only a short, printable prefix of the path', async () => {
    const long = `/api/v1/${'a'.repeat(15 * 1024)}`;
    for (const path of [long, `/api/v1/%0d%0a${'b'.repeat(200)}`, `//api/v1/${'c'.repeat(5000)}`]) {
      const res = await rawRequest(host, path);
      assert.equal(res.status, 404);
      const message = ErrorBody.parse(res.json).error.message;
      assert.ok(message.length < 120, `message is ${message.length} characters`);
      assert.match(message, /^no API route GET \/api\/v1\/|^no API route GET \/\/api/);
      assert.match(message, /^[\x20-\x7e]*$/, 'printable ASCII only');
    }
  });

  it('serves helmet headers with a strict CSP on API and UI responses', async () => {
    for (const path of ['/api/v1/registration/ping', '/']) {
      const res = await host.api(path);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/, 'no unsafe-inline scripts');
      assert.match(csp, /style-src 'self'(;|$)/, 'no unsafe-inline styles');
      // 'self' covers our own wss (CSP3); `wss:` alone would let the page talk to any host
      assert.match(csp, /connect-src 'self'(;|$)/);
      assert.ok(!/wss:|ws:/.test(csp), csp);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
      assert.equal(res.headers['x-powered-by'], undefined);
    }
    assert.equal((await host.api('/api/v1/host', { jar: admin })).headers['cache-control'], 'no-store');
  });

  it('the SPA serves index.html for UI routes', async () => {
    const res = await host.api('/events');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.text, /<script type="module"[^>]* src="\/assets\//);
    assert.ok(!/<script(?![^>]*src=)[^>]*>/.test(res.text), 'no inline script');
  });

  it('rejects malformed, oversized, non-JSON and cross-origin writes with stable codes', async () => {
    const bad = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(bad.status, 400);
    assert.equal(code(bad.json), 'VALIDATION_FAILED');

    const huge = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'a', password: 'x'.repeat(100 * 1024) },
    });
    assert.equal(huge.status, 413);
    assert.equal(code(huge.json), 'PAYLOAD_TOO_LARGE');

    const form = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: 'username=admin&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    assert.equal(code(form.json), 'UNSUPPORTED_MEDIA_TYPE');

    const cross = await host.api('/api/v1/registration/tokens', {
      method: 'POST',
      jar: admin,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(cross.status, 403);
    assert.equal(code(cross.json), 'ORIGIN_FORBIDDEN');

    const extra = await host.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'a', password: 'b', admin: true },
    });
    assert.equal(code(extra.json), 'VALIDATION_FAILED', 'unknown fields are refused');

    const query = await host.api('/api/v1/events?limit=abc', { jar: admin });
    assert.equal(query.status, 400);
    assert.equal(code(query.json), 'VALIDATION_FAILED');
    const badEscape = await host.api('/api/v1/registration/hubs/%E0%A4%A', { method: 'DELETE', jar: admin });
    assert.equal(badEscape.status, 400, "a malformed %-escape is the client's mistake");
    assert.equal(code(badEscape.json), 'VALIDATION_FAILED');
    // and the server is still fine
    assert.equal((await host.api('/api/v1/registration/ping')).status, 200);
  });

  it('returns the host summary with identity, build and certificate facts', async () => {
    const res = await host.api('/api/v1/host', { jar: admin });
    assert.equal(res.status, 200);
    const { HostSummary } = await import('@quantix/shared');
    const s = HostSummary.parse(res.json);
    assert.ok(s.certificate.subjectAltNames.includes('IP:127.0.0.1'));
    assert.ok(s.certificate.subjectAltNames.includes('DNS:localhost'));
    const days = (Date.parse(s.certificate.notAfter) - Date.parse(s.certificate.notBefore)) / 86_400_000;
    assert.ok(days > 394 && days < 396, `validity ${days} days`);
    assert.notEqual(s.build.commit, 'source', 'built output carries build info');
  });
});
