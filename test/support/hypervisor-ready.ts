import { HypervisorStatus } from '@quantix/shared';
import type { RunningHost } from './host-process.ts';
import type { CookieJar } from './https-client.ts';

/** The host reaches libvirt only after it listens: wait (at most 10 s) until it says libvirt answers. */
export async function waitForHypervisor(host: RunningHost, jar: CookieJar): Promise<HypervisorStatus> {
  let last: HypervisorStatus | null = null;
  for (let i = 0; i < 100; i++) {
    last = HypervisorStatus.parse((await host.api('/api/v1/hypervisor', { jar })).json);
    if (last.available) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`libvirt did not become available: ${JSON.stringify(last)}`);
}
