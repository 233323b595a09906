import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, openSocket } from '../support/socket-client.ts';
import { rawUpgrade, type UpgradeAnswer } from './raw-http.ts';

const SOCKET_IO = '/socket.io/?EIO=4&transport=websocket';
const consolePath = (uuid: string) => `/api/v1/vms/${uuid}/console`;
const NO_SUCH_VM = '00000000-0000-4000-8000-000000000000';

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/**
 * The count once the closes in flight have landed. The host may release a socket's descriptor a
 * moment after the client saw the close (a fresh-clone run on a busy machine counted 11 more right
 * after a batch of 50): wait (bounded) while the count is above `limit`. A leak never settles.
 */
async function settledFds(pid: number, limit: number): Promise<number> {
  for (let i = 0; i < 100 && openFds(pid) > limit; i++) await sleep(50);
  return openFds(pid);
}

/** Every answer must come from the server, which must then close the socket itself. */
async function expectRefusedAndClosed(a: UpgradeAnswer, status: RegExp, what: string): Promise<void> {
  assert.match(String(a.status), status, `${what}: ${a.text.slice(0, 200)}`);
  assert.equal(await a.closedByServer, true, `${what}: the server closed the socket`);
}

describe('WebSocket upgrades: every one is answered or closed, none is left open', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  let origin: Record<string, string>;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    origin = { origin: host.origin };
    // the fd counts start once the host's own start-up (its D-Bus daemon and libvirt link) is done
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  it('answers 404 and closes hundreds of upgrades to paths nobody owns; the fd count stays flat', async () => {
    const baseline = openFds(host.pid);
    const paths = [
      '/',
      '/nope',
      '/api/v1/host',
      '/api/v1/vms/x/console',
      '/socket.io',
      '/socketio/',
      '/events',
    ];
    let peak = baseline;
    for (let batch = 0; batch < 6; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => rawUpgrade(host, paths[i % paths.length] ?? '/', origin, 5000)),
      );
      for (const a of answers) await expectRefusedAndClosed(a, /^404$/, 'unknown path');
      peak = Math.max(peak, await settledFds(host.pid, baseline + 10));
    }
    // 300 sockets came and went; the host holds no more descriptors than before (a few may be
    // libvirt's or the logger's, opened meanwhile)
    assert.ok(peak <= baseline + 10, `fds: ${baseline} before, ${peak} at most after a settled batch`);
  });

  it('closes every refused console and socket.io upgrade', async () => {
    const baseline = openFds(host.pid);
    const cookie = admin.header();
    const cases: Array<{ path: string; headers: Record<string, string>; status: RegExp; what: string }> = [
      { path: consolePath(NO_SUCH_VM), headers: { ...origin }, status: /^401$/, what: 'console, no session' },
      { path: consolePath(NO_SUCH_VM), headers: { cookie }, status: /^403$/, what: 'console, no Origin' },
      {
        path: consolePath(NO_SUCH_VM),
        headers: { cookie, origin: 'https://evil.example' },
        status: /^403$/,
        what: 'console, foreign Origin',
      },
      // VM_NOT_FOUND, or HYPERVISOR_UNAVAILABLE while libvirt is not (yet) reachable
      {
        path: consolePath(NO_SUCH_VM),
        headers: { cookie, ...origin },
        status: /^(404|503)$/,
        what: 'console, no VM',
      },
      {
        path: consolePath(NO_SUCH_VM),
        headers: { cookie, ...origin, upgrade: 'h2c' },
        status: /^(400|404|503)$/,
        what: 'console, not a WebSocket',
      },
      { path: SOCKET_IO, headers: { ...origin }, status: /^401$/, what: 'socket.io, no session' },
      {
        path: SOCKET_IO,
        headers: { cookie, origin: 'https://evil.example' },
        status: /^403$/,
        what: 'socket.io, foreign Origin',
      },
      {
        path: SOCKET_IO,
        headers: { cookie, ...origin, upgrade: 'h2c' },
        status: /^400$/,
        what: 'socket.io, not a WebSocket',
      },
      {
        path: '/socket.io/?EIO=4&transport=polling',
        headers: { cookie, ...origin },
        status: /^400$/,
        what: 'socket.io, polling',
      },
    ];
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(cases.map((c) => rawUpgrade(host, c.path, c.headers, 5000)));
      for (const [i, a] of answers.entries()) {
        const c = cases[i];
        if (c) await expectRefusedAndClosed(a, c.status, c.what);
      }
    }
    const settled = await settledFds(host.pid, baseline + 10);
    assert.ok(settled <= baseline + 10, `fds: ${baseline} before, ${settled} after`);
  });

  it('still serves socket.io to the web UI afterwards', async () => {
    const s = openSocket(host, admin);
    try {
      await connected(s);
    } finally {
      s.close();
    }
  });
});
