import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';

/**
 * The logs page's Download while Live is ticked. With Live on the page sends no HTTP request, the
 * kept-alive connection closes after 5 s, and a download that needs a new connection to a host
 * with a self-signed certificate was cancelled by chromium: nothing was saved.
 */
describe('browser: logs download with Live ticked', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  before(async () => {
    host = await startHost({ dataDir: data.dir });
    await setupAdmin(host);
    chrome = await launchChromium();
    page = await chrome.context.newPage();
  });
  after(async () => {
    await chrome?.close();
    await host?.stop();
    data.remove();
  });

  it('saves the log after the page sat idle on a live tail', async () => {
    await page.goto(`${host.url}/login`);
    await page.locator('#login-username').fill(ADMIN.username);
    await page.locator('#login-password').fill(ADMIN.password);
    await page.locator('#login-password').press('Enter');
    await page.getByTestId('host-summary').waitFor({ timeout: 15_000 });
    await page.goto(`${host.url}/logs`);
    await page.getByTestId('logs-live').check();
    await page.getByTestId('logs-live-state').waitFor();
    // longer than Node's 5 s keep-alive: the next request needs a new connection
    await page.waitForTimeout(6500);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('logs-download').click(),
    ]);
    const file = await download.path();
    assert.ok(file, 'the browser saved a file');
    const text = readFileSync(file, 'utf8');
    // what the page shows, as text: one entry per line, time and level first
    assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z +(debug|info|notice|warning|error|critical) /m);
  });
});
