import type { Page } from 'playwright-core';
import type { AdminHost } from './admin-host.ts';
import { launchChromium } from './browser.ts';

/** Debian's chromium with the admin's session cookie, one page open. */
export interface AdminPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens a page in chromium logged in as the host's admin (its session cookie set). Uncaught page
 * errors go into `pageErrors`; with `policyErrors`, so do console errors about a refused resource
 * (Content Security Policy).
 */
export async function openAdminPage(
  { host, admin }: Pick<AdminHost, 'host' | 'admin'>,
  pageErrors: string[],
  opts: { policyErrors?: boolean } = {},
): Promise<AdminPage> {
  const chrome = await launchChromium();
  try {
    await chrome.context.addCookies([
      {
        name: '__Host-qx_session',
        value: admin.get('__Host-qx_session') ?? '',
        url: host.url,
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      },
    ]);
    const page = await chrome.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    if (opts.policyErrors) {
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
          pageErrors.push(m.text());
      });
    }
    return { page, close: chrome.close };
  } catch (err) {
    await chrome.close();
    throw err;
  }
}
