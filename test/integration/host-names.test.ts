import assert from 'node:assert/strict';
import { hostname, networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { ErrorBody } from '@quantix/shared';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { rawRequest, rawUpgrade } from './raw-http.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;
const SOCKET_IO = '/socket.io/?EIO=4&transport=websocket';
const CONSOLE = '/api/v1/vms/6695eb01-f6a4-8304-79aa-97f2502e193f/console';

/** A non-loopback address of this machine, if it has one. */
function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
}

describe('Host header: only the names of this host are served (DNS rebinding)', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  before(async () => {
    host = await startHost({
      dataDir: data.dir,
      env: { QUANTIX_PUBLIC_NAME: 'quantix.example.test,192.0.2.10' },
    });
    admin = await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('refuses a foreign Host with 421 HOST_NOT_ALLOWED on the API, the UI and the writes', async () => {
    for (const evil of ['evil.example', `evil.example:${host.port}`, `127.0.0.1.nip.io:${host.port}`]) {
      const headers = { host: evil, origin: `https://${evil}`, cookie: admin.header() };
      for (const [method, path] of [
        ['GET', '/api/v1/host'],
        ['GET', '/api/v1/setup/status'],
        ['GET', '/'],
        ['GET', '/vms'],
        ['GET', '/api/v1/nope'],
        ['POST', '/api/v1/registration/tokens'],
        ['POST', '/api/v1/auth/login'],
      ] as const) {
        const res = await rawRequest(host, path, {
          method,
          headers,
          ...(path === '/api/v1/auth/login' ? { body: ADMIN } : {}),
        });
        assert.equal(res.status, 421, `${method} ${path} with Host ${evil}`);
        assert.equal(code(res.json), 'HOST_NOT_ALLOWED');
      }
    }
  });

  it('refuses the socket.io handshake and the console upgrade for a foreign Host, and closes them', async () => {
    for (const path of [SOCKET_IO, CONSOLE]) {
      const a = await rawUpgrade(host, path, {
        host: `evil.example:${host.port}`,
        origin: `https://evil.example:${host.port}`,
        cookie: admin.header(),
      });
      assert.equal(a.status, 421, path);
      assert.match(a.text, /"code":"HOST_NOT_ALLOWED"/);
      assert.ok(await a.closedByServer, path);
    }
  });

  it('serves 127.0.0.1, localhost, the hostname, its addresses and the public names, with their own origin', async () => {
    const names = [
      `127.0.0.1:${host.port}`,
      `localhost:${host.port}`,
      `LocalHost:${host.port}`,
      `${hostname()}:${host.port}`,
      `quantix.example.test:${host.port}`,
      'quantix.example.test',
      '192.0.2.10',
    ];
    const lan = lanAddress();
    if (lan) names.push(`${lan}:${host.port}`);
    for (const name of names) {
      const headers = { host: name, cookie: admin.header() };
      const read = await rawRequest(host, '/api/v1/host', { headers });
      assert.equal(read.status, 200, `GET with Host ${name}`);
      const ui = await rawRequest(host, '/', { headers });
      assert.equal(ui.status, 200, `UI with Host ${name}`);
      // a write from the page served under that name
      const login = await rawRequest(host, '/api/v1/auth/login', {
        method: 'POST',
        headers: { host: name, origin: `https://${name}` },
        body: ADMIN,
      });
      assert.equal(login.status, 200, `login with Host ${name}: ${login.text}`);
      const ws = await rawUpgrade(host, SOCKET_IO, { ...headers, origin: `https://${name}` });
      assert.equal(ws.status, 101, `socket.io with Host ${name}: ${ws.text}`);
      ws.socket.destroy();
    }
  });

  it('then wants Origin to be exactly https://<that Host>', async () => {
    const name = `localhost:${host.port}`;
    for (const origin of [
      `https://127.0.0.1:${host.port}`,
      `http://${name}`,
      'https://evil.example',
      'null',
    ]) {
      const write = await rawRequest(host, '/api/v1/registration/tokens', {
        method: 'POST',
        headers: { host: name, origin, cookie: admin.header() },
      });
      assert.equal(write.status, 403, `${origin}: ${write.text}`);
      assert.equal(code(write.json), 'ORIGIN_FORBIDDEN');
      for (const path of [SOCKET_IO, CONSOLE]) {
        const ws = await rawUpgrade(host, path, { host: name, origin, cookie: admin.header() });
        assert.equal(ws.status, 403, `${path} from ${origin}: ${ws.text}`);
        assert.ok(await ws.closedByServer);
      }
    }
  });
});
