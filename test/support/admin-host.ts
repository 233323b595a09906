import assert from 'node:assert/strict';
import { type RunningHost, setupAdmin, startHost } from './host-process.ts';
import type { CookieJar, HttpResponse } from './https-client.ts';
import { waitForHypervisor } from './hypervisor-ready.ts';
import { ensureLibvirtd } from './libvirtd.ts';

/** A real host with its admin logged in, as the browser and end-to-end tests start it. */
export interface AdminHost {
  host: RunningHost;
  admin: CookieJar;
  /** `/api/v1${path}` as the admin, waiting up to `apiTimeoutMs` (VM and pool calls on a real libvirtd are slow) */
  api(method: string, path: string, body?: unknown): Promise<HttpResponse>;
  /** stops the host, then the libvirt daemon if this call started it */
  stop(): Promise<void>;
}

/**
 * Starts the host (on libvirt's test driver, or on the real libvirtd with `libvirt: 'system'`),
 * completes the first-run setup and waits until libvirt answers. `beforeHost` runs once the
 * daemon is there and before the host starts. On failure, whatever it started is stopped again.
 */
export async function startAdminHost(opts: {
  dataDir: string;
  libvirt?: 'test' | 'system';
  /** 120 s unless given */
  apiTimeoutMs?: number;
  beforeHost?: () => void;
}): Promise<AdminHost> {
  const timeoutMs = opts.apiTimeoutMs ?? 120_000;
  let daemon: ReturnType<typeof ensureLibvirtd> | undefined;
  let host: RunningHost | undefined;
  try {
    if (opts.libvirt === 'system') {
      daemon = ensureLibvirtd();
      assert.equal(
        daemon.uri,
        'qemu:///system',
        'a real libvirt daemon must run for this suite (run as root)',
      );
    }
    opts.beforeHost?.();
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
      api: (method, path, body) => running.api(`/api/v1${path}`, { method, jar: admin, body, timeoutMs }),
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
