import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, OUTPUT_DIR } from '../support/browser.ts';
import { ADMIN, runCli, type RunningHost, startHost, tempDataDir } from '../support/host-process.ts';

describe('browser: setup → login → live dashboard', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    host = await startHost({ dataDir: data.dir });
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  });
  after(async () => {
    await chrome?.close();
    await host?.stop();
    data.remove();
  });

  const chartLastT = (id: string) => page.getByTestId(id).getAttribute('data-last-t');

  it('sends a first visit to setup, which takes the console code', async () => {
    await page.goto(host.url);
    await page.waitForURL('**/setup');
    const code = (await runCli(['setup-code', '--data', host.dataDir])).stdout.split('\n')[0] ?? '';
    await page.locator('#setup-code').fill(code);
    await page.locator('#setup-username').fill(ADMIN.username);
    await page.locator('#setup-password').fill(ADMIN.password);
    await page.locator('#setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('host-summary').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('shows the host identity and charts that move every second', async () => {
    const spki = await page.getByTestId('summary-spki').textContent();
    assert.match(spki ?? '', /sha256:[0-9a-f]{64}/);
    await page.getByTestId('chart-cpu').waitFor();
    const seen = new Set<string>();
    // 1 Hz samples: three within ~18 s, so a stalled sampler on a busy machine is not a failure
    for (let i = 0; i < 30 && seen.size < 3; i++) {
      const t = await chartLastT('chart-cpu');
      if (t) seen.add(t);
      await page.waitForTimeout(600);
    }
    assert.ok(seen.size >= 3, `the CPU chart advanced: ${[...seen].join(', ')}`);
    for (const id of ['chart-memory', 'chart-disk', 'chart-net']) {
      assert.ok(Number(await page.getByTestId(id).getAttribute('data-samples')) >= 2, `${id} has samples`);
    }
    const mem = await page.getByTestId('value-memory').textContent();
    assert.match(mem ?? '', /\d/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'dashboard.png'), fullPage: true });
    assert.ok(statSync(join(OUTPUT_DIR, 'dashboard.png')).size > 10_000);
  });

  it('mints a registration token with a countdown and shows the fingerprint', async () => {
    await page.getByTestId('nav-registration').click();
    await page.getByTestId('generate-token').click();
    await page.getByTestId('token-details').waitFor();
    const joinString = await page.getByTestId('join-string').inputValue();
    assert.match(joinString, /^\s*qx1\./);
    const c1 = await page.getByTestId('token-countdown').textContent();
    await page.waitForTimeout(1500);
    const c2 = await page.getByTestId('token-countdown').textContent();
    assert.notEqual(c1, c2, 'the countdown runs');
    assert.match((await page.getByTestId('host-spki').textContent()) ?? '', /sha256:[0-9a-f]{64}/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'registration.png') });
  });

  it('lists events, logs out, and logs back in to the dashboard', async () => {
    await page.getByTestId('nav-events').click();
    await page.getByTestId('events-table').waitFor();
    // the rows arrive with the subscription's answer, which may follow the table by a moment
    await page.getByTestId('event-row').nth(1).waitFor();
    assert.ok((await page.getByTestId('event-row').count()) >= 2);
    await page.getByTestId('logout-button').click();
    await page.waitForURL('**/login**');
    await page.locator('#login-username').fill(ADMIN.username);
    await page.locator('#login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.locator('#login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('host-summary').waitFor({ timeout: 15_000 });
  });

  it('shows a reconnecting banner when the host goes away', async () => {
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('chart-cpu').waitFor();
    await host.kill9();
    await page.getByTestId('reconnecting-banner').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(OUTPUT_DIR, 'reconnecting.png') });
    host = await startHost({ dataDir: data.dir, port: host.port });
    // a restart ends in-memory sessions: the UI finds out and asks to log in again
    try {
      await page.waitForURL('**/login**', { timeout: 30_000 });
    } finally {
      await page.screenshot({ path: join(OUTPUT_DIR, 'after-restart.png') });
    }
  });

  it('ran without CSP violations or page errors', () => {
    const csp = problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
    assert.deepEqual(csp, []);
    assert.ok(existsSync(join(OUTPUT_DIR, 'dashboard.png')));
  });
});
