import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConsoleStatus, decodeJoin, PingResponse } from '@quantix/shared';
import { controlOf } from '@quantix/shared/server';
import {
  ADMIN,
  HOST_CLI,
  type RunningHost,
  runCli,
  startHost,
  tempDataDir,
} from '../support/host-process.ts';
import { type RunningHub, setupHubAdmin, startHub } from '../support/hub-process.ts';
import { mintEnrollment, waitFor } from '../support/link-hub.ts';
import { loginStatus } from '../support/server-process.ts';

const CLEAR = '\x1b[H\x1b[2J';

/** `quantix-host console` with piped stdio, as the tests drive it. */
function startConsole(dataDir: string, env: Record<string, string> = {}) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [HOST_CLI, 'console', '--data', dataDir],
    {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    pid: child.pid ?? -1,
    output: () => out,
    screens: () => out.split(CLEAR).length - 1,
    type: (keys: string) => child.stdin.write(keys),
    endInput: () => child.stdin.end(),
    exited,
    async waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m =
          typeof pattern === 'string' ? (out.includes(pattern) ? pattern : null) : pattern.exec(out)?.[0];
        if (m) return m;
        if (Date.now() > until) throw new Error(`waited for ${pattern} in:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** SIGTERM (then SIGKILL after 5 s), by pid; the exit code */
    async stop(): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(this.pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(this.pid, 'SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
type Console = ReturnType<typeof startConsole>;

describe('quantix-host console against the real host', () => {
  const data = tempDataDir('qx-console-');
  const live = join(data.dir, 'live-medium');
  mkdirSync(live);
  let host: RunningHost | undefined;
  const consoles: Console[] = [];
  after(async () => {
    for (const c of consoles) await c.stop();
    await host?.stop();
    data.remove();
  });

  it('shows the SPKI and setup code, says it runs live, T prints a qx1. join string, P creates the admin', async () => {
    host = await startHost({ dataDir: join(data.dir, 'host') });
    const ping = PingResponse.parse((await host.api('/api/v1/registration/ping')).json);
    const code = (await runCli(['setup-code', '--data', host.dataDir])).stdout.split('\n')[0]?.trim() ?? '';
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const c = startConsole(host.dataDir, { QUANTIX_LIVE_MEDIUM: live });
    consoles.push(c);
    await c.waitFor(ping.spki);
    await c.waitFor(new RegExp(`Setup code +${code}`));
    await c.waitFor(`Manage this host at   https://127.0.0.1:${host.port}/`);
    await c.waitFor('LIVE: running from the ISO');
    await c.waitFor(`Quantix host ${ping.version}`);

    c.type('T');
    const joinString = await c.waitFor(/qx1\.[A-Za-z0-9_-]+/);
    const payload = decodeJoin(joinString);
    assert.ok(payload, `a join string: ${joinString}`);
    assert.equal(payload.spki, ping.spki);
    assert.equal(payload.url, host.url);

    // P on a fresh host creates the first administrator, who can then log in on the web UI
    c.type('x'); // back to the banner (80x24 here: the QR code would be on a second screen)
    await c.waitFor(/any other key returns\.\n[\s\S]*\[O\] Power off/);
    c.type(`p\r${ADMIN.password}\r${ADMIN.password}\r`);
    await c.waitFor('Administrator "admin" created', 20_000);
    assert.ok(!c.output().includes(ADMIN.password), 'the password is not echoed');
    assert.equal(await loginStatus(host, ADMIN.password), 200);
    c.type('x');
    // the next poll finds an admin: the banner drops the setup code
    const lastScreen = () => c.output().split(CLEAR).at(-1) ?? '';
    const until = Date.now() + 10_000;
    while (!(lastScreen().includes(ping.spki) && !lastScreen().includes('Setup code'))) {
      assert.ok(Date.now() < until, `the setup code stays on the banner:\n${lastScreen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // the end of the input (a hung-up terminal) ends the console, with 0
    c.endInput();
    assert.equal(await c.exited, 0);
  });

  it('says the service is not running, keeps polling, and shows it once it runs, without redrawing for nothing', async () => {
    await host?.stop();
    const dataDir = join(data.dir, 'host');
    const c = startConsole(dataDir, { QUANTIX_LIVE_MEDIUM: join(data.dir, 'absent') });
    consoles.push(c);
    await c.waitFor('The Quantix host service is not running');
    assert.doesNotMatch(c.output(), /LIVE/);
    await new Promise((r) => setTimeout(r, 2500)); // at least one more poll
    assert.equal(c.screens(), 1, 'the same banner is not drawn again');

    host = await startHost({ dataDir });
    const ping = PingResponse.parse((await host.api('/api/v1/registration/ping')).json);
    await c.waitFor(ping.spki, 20_000);
    await c.waitFor(/Hypervisor +libvirt answers/);
    const drawn = c.screens();
    await new Promise((r) => setTimeout(r, 4500)); // two more polls
    assert.equal(c.screens(), drawn, 'no redraw while nothing changes');

    assert.equal(await c.stop(), 0, 'SIGTERM ends it with 0');
  });
});

describe('the console of a host a hub adopted', () => {
  const hubData = tempDataDir('qx-console-hub-');
  const hostData = tempDataDir('qx-console-host-');
  let hub: RunningHub | undefined;
  let host: RunningHost | undefined;
  let c: Console | undefined;
  after(async () => {
    await c?.stop();
    await Promise.allSettled([host?.stop(), hub?.stop()]);
    hubData.remove();
    hostData.remove();
  });

  it('names the hub and whether its link is up, in console-status and on the banner', async () => {
    hub = await startHub({ dataDir: hubData.dir });
    const hubJar = await setupHubAdmin(hub);
    host = await startHost({ dataDir: hostData.dir });
    const { enrollment } = await mintEnrollment(hub, hubJar);
    const joined = await runCli(['join-hub', enrollment, '--data', host.dataDir]);
    assert.equal(joined.code, 0, joined.stderr);

    const status = () => controlOf(hostData.dir, 'quantix-host')({ cmd: 'console-status' });
    const linked = await waitFor('the link to be up in console-status', async () => {
      const s = ConsoleStatus.parse(await status());
      return s.hubs[0]?.linked ? s.hubs[0] : null;
    });
    assert.equal(linked.hubUrl, hub.url);

    c = startConsole(hostData.dir);
    await c.waitFor(
      new RegExp(`Adopted by hub +${linked.hubName} \\(${hub.url.replace(/\./g, '\\.')}\\) - linked`),
    );
    assert.doesNotMatch(c.output(), /not adopted/);

    await hub.stop();
    await c.waitFor(`${linked.hubName} (${hub.url}) - link down`, 20_000);
    const s = ConsoleStatus.parse(await status());
    assert.deepEqual(
      s.hubs.map((h) => h.linked),
      [false],
    );
  });
});
