import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, OUTPUT_DIR } from '../support/browser.ts';
import { type RunningHost, runCli, startHost } from '../support/host-process.ts';
import { ADMIN, type RunningHub, runHubCli, startHub, tempDataDir } from '../support/hub-process.ts';

/**
 * The hub's web UI in Debian's chromium against a real `quantix-hub serve` (and, for adoption, a
 * real `quantix-host serve` on libvirt's test driver): setup, the fleet, adding a host (refused,
 * then done), enrollment, a shared pool, the lazy pages, logout and a hub restart. The walk with
 * two hosts (live chart, pool assignment, files, placement) is hub-fleet.test.ts.
 */
describe('browser: the hub UI (setup, fleet, adding a host, enrollment, lazy pages)', () => {
  const hubData = tempDataDir('qx-hub-ui-');
  const hostData = tempDataDir('qx-hub-ui-host-');
  let hub: RunningHub;
  let host: RunningHost;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const csp: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    // the host runs on this machine: the hub must be allowed to adopt a loopback address
    // each kept as it starts, so `after` stops the one that did when the other fails
    const outcomes = await Promise.allSettled([
      startHub({ dataDir: hubData.dir, env: { QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '1' } }).then((h) => {
        hub = h;
      }),
      startHost({ dataDir: hostData.dir }).then((h) => {
        host = h;
      }),
    ]);
    for (const o of outcomes) if (o.status === 'rejected') throw o.reason;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await chrome?.close();
    await host?.stop();
    await hub?.stop();
    hubData.remove();
    hostData.remove();
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(OUTPUT_DIR, `hub-${name}.png`), fullPage: true });

  it('sends a first visit to setup, which takes the hub console code', async () => {
    await page.goto(hub.url);
    await page.waitForURL('**/setup');
    assert.match((await page.locator('h1').textContent()) ?? '', /Set up this hub/);
    assert.match((await page.getByTestId('setup-form').textContent()) ?? '', /quantix-hub setup-code/);
    const code = (await runHubCli(['setup-code', '--data', hub.dataDir])).stdout.split('\n')[0] ?? '';
    await page.locator('#setup-code').fill(code);
    await page.locator('#setup-username').fill(ADMIN.username);
    await page.locator('#setup-password').fill(ADMIN.password);
    await page.locator('#setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('page-fleet').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('names the hub in the top bar and shows the fleet page', async () => {
    // GET /api/v1/hub: the top bar shows the host part of the URL hosts reach the hub at
    await page
      .getByTestId('hostname')
      .filter({ hasText: `127.0.0.1:${hub.port}` })
      .waitFor();
    // the title is set in an effect, after the top bar has painted
    await page.waitForFunction(() => /^Fleet — 127\.0\.0\.1:\d+ — Quantix$/.test(document.title));
    await page.getByTestId('fleet-totals').waitFor();
    assert.equal(await page.getByTestId('add-host').count(), 1);
    for (const nav of ['fleet', 'pools', 'vm-new', 'enrollment', 'events']) {
      assert.equal(await page.getByTestId(`nav-${nav}`).count(), 1, `nav-${nav}`);
    }
    await shot('fleet');
  });

  it('shows an empty fleet with zero figures', async () => {
    await page.getByTestId('fleet-empty').waitFor();
    assert.equal(await page.getByTestId('total-hosts-value').textContent(), '0');
    assert.equal(await page.getByTestId('total-vms-value').textContent(), '0');
    assert.equal(await page.getByTestId('host-row').count(), 0);
  });

  it('explains a failed adoption: the message, the phase and what to do', async () => {
    await page.getByTestId('add-host').click();
    await page.getByTestId('add-mode-url').check();
    await page.getByTestId('add-url').fill(host.url);
    // well-formed, but no token the host minted
    await page.getByTestId('add-token').fill('aaaaaa.aaaaaaaaaaaaaaaa');
    await page.getByTestId('add-host-review').click();
    const error = page.getByTestId('adopt-error');
    await error.waitFor({ timeout: 20_000 });
    assert.equal(await error.getAttribute('data-code'), 'TOKEN_INVALID');
    // the phase the hub names (the token is checked with the host's key proof)
    assert.match((await page.getByTestId('adopt-error-phase').textContent()) ?? '', /^Failed while \w/);
    assert.match(
      (await page.getByTestId('adopt-advice').textContent()) ?? '',
      /Mint a new token on the host/,
    );
    await shot('adopt-error');
    await page.getByTestId('dialog-cancel').click();
    await page.getByTestId('add-host-dialog').waitFor({ state: 'detached' });
  });

  it('adds a real host by its join string: Review shows who answers, Add puts it in the fleet', async () => {
    const cli = await runCli(['token', '--data', host.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const joinString = /join: +(qx1\.\S+)/.exec(cli.stdout)?.[1];
    assert.ok(joinString, cli.stdout);
    await page.getByTestId('add-host').click();
    await page.getByTestId('add-join').fill(joinString);
    await page.getByTestId('add-host-review').click();
    await page.getByTestId('host-preview').waitFor({ timeout: 20_000 });
    assert.match((await page.getByTestId('preview-spki').textContent()) ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.match((await page.getByTestId('preview-url').textContent()) ?? '', /^https:\/\/127\.0\.0\.1:\d+/);
    assert.match((await page.getByTestId('inventory-cpu').textContent()) ?? '', /threads/);
    const hostname = ((await page.getByTestId('preview-hostname').textContent()) ?? '').trim();
    assert.ok(hostname.length > 0);
    await shot('add-host-preview');
    await page.getByTestId('add-host-submit').click();
    await page.getByTestId('page-host').waitFor({ timeout: 20_000 });
    assert.match(new URL(page.url()).pathname, /^\/hosts\/[0-9a-f-]{36}$/);
    assert.equal((await page.getByTestId('host-header').locator('h2').textContent())?.trim(), hostname);
    assert.equal(await page.getByTestId('open-host-ui').getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await page.getByTestId('open-host-ui').getAttribute('target'), '_blank');
    await shot('host-detail');
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('host-row').first().waitFor();
    assert.equal(await page.getByTestId('host-row').count(), 1);
    assert.equal(await page.getByTestId('total-hosts-value').textContent(), '1');
  });

  it('mints an enrollment string, shown once with the join-hub command, and lists it', async () => {
    await page.getByTestId('nav-enrollment').click();
    await page.getByTestId('page-enrollment').waitFor();
    await page.getByTestId('hub-spki').waitFor();
    assert.match((await page.getByTestId('hub-spki').textContent()) ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(await page.getByTestId('enrollments-error').count(), 0);
    await page.getByTestId('enroll-label').fill('rack 4');
    await page.getByTestId('enroll-submit').click();
    await page.getByTestId('enrollment-minted').waitFor({ timeout: 15_000 });
    const value = await page.getByTestId('enrollment-string').inputValue();
    assert.match(value, /^qxh1\./);
    assert.equal(
      await page.getByTestId('enrollment-command').inputValue(),
      `quantix-host join-hub '${value}'`,
    );
    await page.getByTestId('enrollment-row').first().waitFor();
    assert.equal(await page.getByTestId('enrollment-row').first().getAttribute('data-status'), 'active');
    await shot('enrollment');
    await page.getByTestId('enrollment-done').click();
    assert.equal(await page.getByTestId('enrollment-minted').count(), 0, 'the string is gone once done');
  });

  it('creates a shared pool and shows its hosts, files and definition', async () => {
    await page.getByTestId('nav-pools').click();
    await page.getByTestId('page-pools').waitFor({ timeout: 15_000 });
    await page.getByTestId('pools-empty').waitFor({ timeout: 15_000 });
    await page.getByTestId('create-pool').click();
    await page.getByTestId('pool-type').selectOption('dir');
    await page.getByTestId('pool-name').fill('shared-iso');
    await page.getByTestId('pool-path').fill('/srv/quantix-ui-test/shared-iso');
    await page.getByTestId('pool-create-submit').click();
    // created pools open on their Hosts tab: the pool x host matrix
    await page.getByTestId('pool-hosts').waitFor({ timeout: 15_000 });
    assert.match(new URL(page.url()).pathname, /^\/pools\/shared-iso$/);
    const rows = await page.getByTestId('pool-host-row').count();
    assert.equal(rows, 1, 'one row per host of the fleet');
    assert.equal(await page.getByTestId('pool-host-row').first().getAttribute('data-assignment'), 'none');
    await page.getByTestId('tab-files').click();
    await page.getByTestId('pool-files').waitFor();
    // assigned nowhere: no host to browse it through, and the page says how to get one
    await page.getByTestId('pool-files-no-host').waitFor();
    await page.getByTestId('tab-settings').click();
    assert.match(
      (await page.getByTestId('pool-definition').textContent()) ?? '',
      /\/srv\/quantix-ui-test\/shared-iso/,
    );
    await shot('pool');
    await page.getByTestId('nav-pools').click();
    await page.getByTestId('pool-row').first().waitFor();
    assert.equal(await page.getByTestId('pool-row').first().getAttribute('data-name'), 'shared-iso');
  });

  it('loads the other pages on first visit, each in its own chunk', async () => {
    for (const [nav, testId] of [
      ['vm-new', 'page-vm-new'],
      ['events', 'page-events'],
    ] as const) {
      await page.getByTestId(`nav-${nav}`).click();
      await page.getByTestId(testId).waitFor({ timeout: 15_000 });
    }
    // the hub's own events (the admin was created, logged in) are in its log
    await page.getByTestId('event-row').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('events-live').textContent(), 'Live');
    await shot('events');
  });

  it('logs out, refuses a wrong password, and logs back in to the fleet', async () => {
    await page.getByTestId('logout-button').click();
    await page.waitForURL('**/login**');
    await page.locator('#login-username').fill(ADMIN.username);
    await page.locator('#login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.locator('#login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    // a logout forgets the page: login leads home
    await page.getByTestId('page-fleet').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('shows the reconnecting banner when the hub goes away, and asks to log in after its restart', async () => {
    await hub.kill9();
    await page.getByTestId('reconnecting-banner').waitFor({ timeout: 30_000 });
    assert.match(
      (await page.getByTestId('reconnecting-banner').textContent()) ?? '',
      /connection to the hub/,
    );
    hub = await startHub({
      dataDir: hubData.dir,
      port: hub.port,
      env: { QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '1' },
    });
    // a restart ends in-memory sessions: the UI finds out and asks to log in again
    await page.waitForURL('**/login**', { timeout: 30_000 });
  });

  it('ran without CSP violations or uncaught errors', () => {
    assert.deepEqual(csp, []);
    assert.deepEqual(pageErrors, []);
  });
});
