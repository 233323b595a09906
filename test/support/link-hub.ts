import { LinkList, MintedEnrollment } from '@quantix/shared';
import type { RunningHost } from './host-process.ts';
import type { CookieJar } from './https-client.ts';
import type { RunningHub } from './hub-process.ts';

type LinkHost = LinkList['hosts'][number];

/** Polls `check` every 150 ms until it answers a value, or fails after `deadlineMs` saying `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  deadlineMs = 30_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The hub's live state of one host's link (`GET /api/v1/links`), or null when it knows none. */
export async function linkOf(hub: RunningHub, jar: CookieJar, hostId: string): Promise<LinkHost | null> {
  const res = await hub.api('/api/v1/links', { jar });
  if (res.status !== 200) throw new Error(`GET /api/v1/links: ${res.status} ${res.text}`);
  return LinkList.parse(res.json).hosts.find((h) => h.hostId === hostId) ?? null;
}

/** Waits until the hub says `state` for the host; answers that link. */
export function waitForLink(
  hub: RunningHub,
  jar: CookieJar,
  hostId: string,
  state: LinkHost['state'],
  deadlineMs = 30_000,
): Promise<LinkHost> {
  return waitFor(
    `host ${hostId} to be ${state} on the hub`,
    async () => {
      const l = await linkOf(hub, jar, hostId);
      return l?.state === state ? l : null;
    },
    deadlineMs,
  );
}

/** Mints a `qxh1.` string over the hub's API. */
export async function mintEnrollment(
  hub: RunningHub,
  jar: CookieJar,
  body: { maxUses?: number; expiresInHours?: number; label?: string } = {},
): Promise<MintedEnrollment> {
  const res = await hub.api('/api/v1/enrollments', { method: 'POST', body, jar });
  if (res.status !== 201) throw new Error(`POST /api/v1/enrollments: ${res.status} ${res.text}`);
  return MintedEnrollment.parse(res.json);
}

/** The hubs a host keeps (`GET /api/v1/registration/hubs`). */
export async function hubsOf(
  host: RunningHost,
  jar: CookieJar,
): Promise<Array<{ hubId: string; hubName: string }>> {
  const res = await host.api('/api/v1/registration/hubs', { jar });
  if (res.status !== 200) throw new Error(`GET hubs: ${res.status} ${res.text}`);
  return (res.json as { hubs: Array<{ hubId: string; hubName: string }> }).hubs;
}
