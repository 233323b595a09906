import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { REPO } from './host-process.ts';

export const OUTPUT_DIR = join(REPO, 'test-output', 'browser');

/** Debian's chromium, driven by playwright-core; never a downloaded browser. Playwright gives it a fresh temporary profile. */
export async function launchChromium(): Promise<{
  browser: Browser;
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The host's certificate is self-signed; the test checks its fingerprint elsewhere.
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return {
    browser,
    context,
    async close() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
