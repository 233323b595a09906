import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { type RunningHost, setupAdmin, startHost } from './host-process.ts';
import type { CookieJar, HttpResponse } from './https-client.ts';
import { waitForHypervisor } from './hypervisor-ready.ts';
import { ensureLibvirtd } from './libvirtd.ts';

/** A real host with its admin logged in, as the browser tests start it. */
export interface AdminHost {
  host: RunningHost;
  admin: CookieJar;
  /** `/api/v1${path}` as the admin, waiting up to 120 s (VM and pool calls on a real libvirtd are slow) */
  api(method: string, path: string, body?: unknown): Promise<HttpResponse>;
  /** stops the host, then the libvirt daemon if this call started it */
  stop(): Promise<void>;
}

/**
 * Starts the host (on libvirt's test driver, or on the real libvirtd with `libvirt: 'system'`),
 * completes the first-run setup and waits until libvirt answers. On failure, whatever it
 * started is stopped again.
 */
export async function startAdminHost(opts: {
  dataDir: string;
  libvirt?: 'test' | 'system';
}): Promise<AdminHost> {
  let daemon: ReturnType<typeof ensureLibvirtd> | undefined;
  let host: RunningHost | undefined;
  try {
    if (opts.libvirt === 'system') {
      daemon = ensureLibvirtd();
      assert.equal(daemon.uri, 'qemu:///system', 'a real libvirt daemon must run for this suite');
    }
    host = await startHost({
      dataDir: opts.dataDir,
      ...(daemon ? { env: { QUANTIX_LIBVIRT_URI: 'qemu:///system' } } : {}),
    });
    const admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    const running = host;
    const started = daemon;
    return {
      host: running,
      admin,
      api: (method, path, body) =>
        running.api(`/api/v1${path}`, { method, jar: admin, body, timeoutMs: 120_000 }),
      async stop() {
        await running.stop();
        started?.stop();
      },
    };
  } catch (err) {
    await host?.stop();
    daemon?.stop();
    throw err;
  }
}

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
