import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type DataDiskStatus,
  ErrorBody,
  EventList,
  EventsState,
  type HostEvent,
  MintedToken,
} from '@quantix/shared';
import { mountSmallDisk, type SmallDisk } from '@quantix/shared/server/testing';
import { launchChromium } from '../support/browser.ts';
import { ADMIN, type RunningHost, runCli, setupAdmin, startHost } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

/** Resolves once `pred` holds; checks after every socket message it is told about. Fails after 20 s. */
function until<T>(
  what: string,
  check: () => T | undefined,
  subscribe: (wake: () => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 20_000);
    const wake = () => {
      const v = check();
      if (v === undefined) return;
      clearTimeout(timer);
      resolve(v);
    };
    subscribe(wake);
    wake();
  });
}

describe('a full data disk', () => {
  let disk: SmallDisk;
  let host: RunningHost;
  let jar: CookieJar;
  let socket: HostSocket;
  const statuses: DataDiskStatus[] = [];
  const live: HostEvent[] = [];
  const wakers: Array<() => void> = [];
  const wakeAll = () => {
    for (const w of wakers) w();
  };
  const waitFor = <T>(what: string, check: () => T | undefined) => until(what, check, (w) => wakers.push(w));

  before(async () => {
    disk = mountSmallDisk(256);
    host = await startHost({ dataDir: disk.dir });
    jar = await setupAdmin(host);
    socket = openSocket(host, jar);
    socket.on('data-disk:status', (s) => {
      statuses.push(s);
      wakeAll();
    });
    socket.on('event:new', (e) => {
      live.push(e);
      wakeAll();
    });
    await connected(socket);
    await socket.emitWithAck('events:subscribe', { limit: 10 });
  });
  after(async () => {
    socket?.close();
    await host?.stop();
    disk?.unmount();
  });

  const mint = () => host.api('/api/v1/registration/tokens', { method: 'POST', jar });
  const errorCode = (json: unknown) => ErrorBody.parse(json).error.code;

  it('refuses writes with 507 STORAGE_FULL, keeps answering everything else, and recovers by itself once space is freed', async () => {
    const first = await mint();
    assert.equal(first.status, 201, first.text);
    const kept = MintedToken.parse(first.json).tokenId;
    assert.equal((await waitFor('the first status', () => statuses.at(-1)))?.writable, true);

    disk.fill();

    // a state write: refused, the previous data kept (in memory and on disk)
    const refused = await mint();
    assert.equal(refused.status, 507, refused.text);
    assert.equal(errorCode(refused.json), 'STORAGE_FULL');
    const current = await host.api('/api/v1/registration/tokens/current', { jar });
    assert.equal((current.json as { current: { tokenId: string } | null }).current?.tokenId, kept);

    // the console's password reset is a state write too
    const passwd = await runCli(
      ['passwd', '--data', host.dataDir, '--user', ADMIN.username],
      'another long password\n',
    );
    assert.notEqual(passwd.code, 0);
    assert.match(passwd.stderr + passwd.stdout, /STORAGE_FULL|full/);

    // the UI hears it at once: a status push and an event that cannot be written yet
    await waitFor('the full status', () => statuses.find((s) => !s.writable));
    assert.equal(statuses.find((s) => !s.writable)?.problem, 'full');
    const fullEvent = await waitFor('the disk-full event', () =>
      live.find((e) => /data disk is full/.test(e.message)),
    );
    assert.equal(fullEvent.level, 'error');

    // Every request still answers — each one over a new TLS connection, so the handshake too (the
    // host used to stop answering after 13 requests: its logger blocked the main thread).
    for (let i = 0; i < 40; i++) {
      const ping = await host.api('/api/v1/registration/ping', { timeoutMs: 10_000 });
      assert.equal(ping.status, 200, `request ${i}`);
      const list = await host.api('/api/v1/events?limit=20', { jar, timeoutMs: 10_000 });
      assert.equal(list.status, 200);
      assert.ok(
        EventList.parse(list.json).events.some((e) => e.id === fullEvent.id),
        'the event kept in memory is listed',
      );
    }
    const login = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, timeoutMs: 10_000 });
    assert.equal(login.status, 200, 'the old password still works; sessions live in memory');
    assert.equal((await mint()).status, 507);

    disk.free();

    // no restart: the host probes the disk, says it is writable, and writes what it kept
    await waitFor('the writable status', () => (statuses.at(-1)?.writable ? true : undefined));
    const again = await mint();
    assert.equal(again.status, 201, again.text);
    const onDisk = EventsState.parse(JSON.parse(readFileSync(join(host.dataDir, 'events.json'), 'utf8')));
    const messages = onDisk.events.map((e) => e.message);
    assert.ok(
      onDisk.events.some((e) => e.id === fullEvent.id),
      `the disk-full event was persisted: ${messages.join(' | ')}`,
    );
    assert.ok(messages.some((m) => /can be written again/.test(m)));
    assert.ok(
      onDisk.events.some((e) => /registration token/i.test(e.message) && e.seq > fullEvent.seq),
      'later events follow it',
    );

    assert.equal((await host.api('/api/v1/registration/ping')).status, 200, 'still alive');
    // The log writes again by itself and says how many lines it dropped. It retries with a later
    // line (at most once a second; lines in between are dropped and counted, which may be any
    // particular line): keep the host logging until the notice is there (bounded).
    const logFile = join(host.dataDir, 'logs', 'quantix-host.log');
    const recovered = () =>
      /log lines were dropped while the log could not be written/.test(readFileSync(logFile, 'utf8'));
    for (let i = 0; i < 150 && !recovered(); i++) {
      await host.api('/api/v1/registration/ping');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(recovered(), 'the log says what it dropped once it can write again');
    assert.equal(statSync(logFile).mode & 0o777, 0o600);
    socket.close();
    assert.equal(await host.stop(), 0, 'a clean exit, no ENOSPC crash at exit');
  });
});

describe('a full data disk in the web UI', () => {
  it('shows a banner on every page while the disk is full, and removes it once space is freed', async () => {
    const disk = mountSmallDisk(256);
    let host: RunningHost | null = null;
    let chrome: Awaited<ReturnType<typeof launchChromium>> | null = null;
    try {
      host = await startHost({ dataDir: disk.dir });
      const jar = await setupAdmin(host);
      chrome = await launchChromium();
      await chrome.context.addCookies([
        { name: '__Host-qx_session', value: jar.get('__Host-qx_session') ?? '', url: host.url },
      ]);
      const page = await chrome.context.newPage();
      await page.goto(host.url);
      await page.getByTestId('host-summary').waitFor({ timeout: 15_000 });
      assert.equal(await page.getByTestId('data-disk-banner').count(), 0);

      disk.fill();
      const refused = await host.api('/api/v1/registration/tokens', { method: 'POST', jar });
      assert.equal(refused.status, 507);
      const banner = page.getByTestId('data-disk-banner');
      await banner.waitFor({ timeout: 15_000 });
      assert.match((await banner.textContent()) ?? '', /data disk is full/);

      disk.free();
      await banner.waitFor({ state: 'detached', timeout: 20_000 });
    } finally {
      await chrome?.close();
      await host?.stop();
      disk.unmount();
    }
  });
});
