import type { HostLinkState, HostPoolStatus, HostStatus } from '@quantix/shared';
import type { HostLive } from './host-links.ts';

export interface LinkTransition {
  hostId: string;
  from: HostLinkState;
  to: HostLinkState;
  reason: string | null;
}

/**
 * The live state of every host's link, in memory only, driven by what the link server sees and a
 * clock (so it is tested with a fake one). The rules:
 * - a link that is up is `connected`; one that went down stays `connected` until nothing has been
 *   heard from the host for `graceMs` (a missed beat or a quick reconnect is not an outage), then
 *   it is `not-responding`;
 * - a host that has not connected since the hub started is `pending` for `graceMs`, then
 *   `not-responding` (a host that was down when the hub started must not look merely new);
 * - `cert-changed` (another key claimed the host, or answers at its address) holds while the link
 *   is down; the pinned key proving itself again on a new link clears it;
 * - `disconnected` (the host revoked the hub) holds until the record is replaced.
 */
export interface LinkStates {
  /** learns of a host (from the store); does nothing for one already known */
  register(hostId: string, stored: { revokedAt: string | null; lastSeenAt: string | null }): void;
  up(hostId: string): void;
  /** something arrived from the host; with a status, the status changed */
  seen(hostId: string, status?: HostStatus): void;
  down(hostId: string): void;
  certChanged(hostId: string, reason: string): void;
  revoked(hostId: string, reason: string): void;
  forget(hostId: string): void;
  live(hostId: string): HostLive;
  /** the hosts currently known, each with its live state */
  all(): Array<{ hostId: string } & HostLive>;
  /** the hosts that are `not-responding` now */
  notResponding(): string[];
  /** re-evaluates the clock-driven rules; call about once a second */
  tick(): void;
}

interface Entry {
  knownSince: number;
  connected: boolean;
  everConnected: boolean;
  /** last time anything arrived from the host (epoch ms), or the stored lastSeenAt */
  lastSeen: number | null;
  status: HostStatus | null;
  certChanged: string | null;
  revoked: string | null;
  state: HostLinkState;
  reason: string | null;
}

/** The same pools, field by field (a heartbeat's pools are nearly always the previous one's). */
function samePools(a: readonly HostPoolStatus[], b: readonly HostPoolStatus[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      !x ||
      !y ||
      x.name !== y.name ||
      x.state !== y.state ||
      x.capacity !== y.capacity ||
      x.available !== y.available
    )
      return false;
  }
  return true;
}

export function createLinkStates(deps: {
  now: () => number;
  graceMs: number;
  /** a state (or its reason) changed */
  onTransition: (t: LinkTransition) => void;
  /** the status changed without a state change */
  onStatus: (hostId: string) => void;
}): LinkStates {
  const { now, graceMs } = deps;
  const entries = new Map<string, Entry>();
  const iso = (ms: number) => new Date(ms).toISOString();

  const evaluate = (e: Entry): { state: HostLinkState; reason: string | null } => {
    if (e.revoked) return { state: 'disconnected', reason: e.revoked };
    if (e.connected) return { state: 'connected', reason: null };
    if (e.certChanged) return { state: 'cert-changed', reason: e.certChanged };
    const since = e.everConnected ? (e.lastSeen ?? e.knownSince) : e.knownSince;
    if (now() - since < graceMs) return { state: e.everConnected ? 'connected' : 'pending', reason: null };
    const reason = e.lastSeen
      ? `no contact since ${iso(e.lastSeen)}`
      : 'the host has not connected since the hub started';
    return { state: 'not-responding', reason };
  };

  const update = (hostId: string, e: Entry): void => {
    const next = evaluate(e);
    if (next.state === e.state && next.reason === e.reason) return;
    const from = e.state;
    e.state = next.state;
    e.reason = next.reason;
    deps.onTransition({ hostId, from, to: next.state, reason: next.reason });
  };

  const entry = (hostId: string): Entry => {
    let e = entries.get(hostId);
    if (!e) {
      e = {
        knownSince: now(),
        connected: false,
        everConnected: false,
        lastSeen: null,
        status: null,
        certChanged: null,
        revoked: null,
        state: 'pending',
        reason: null,
      };
      entries.set(hostId, e);
    }
    return e;
  };

  const liveOf = (e: Entry): HostLive => ({
    state: e.state,
    stateReason: e.reason,
    status: e.status,
    lastSeenAt: e.lastSeen === null ? null : iso(e.lastSeen),
  });

  return {
    register(hostId, stored) {
      if (entries.has(hostId)) return;
      const e = entry(hostId);
      const last = stored.lastSeenAt ? Date.parse(stored.lastSeenAt) : Number.NaN;
      e.lastSeen = Number.isFinite(last) ? last : null;
      if (stored.revokedAt) e.revoked = `the host revoked this hub at ${stored.revokedAt}`;
      update(hostId, e);
    },
    up(hostId) {
      const e = entry(hostId);
      e.connected = true;
      e.everConnected = true;
      e.lastSeen = now();
      e.certChanged = null; // the pinned key has just proved itself on this link
      update(hostId, e);
    },
    seen(hostId, status) {
      const e = entries.get(hostId);
      if (!e) return;
      e.lastSeen = now();
      if (status) {
        // Each status is held until the next one, 5 s later: long enough to be promoted to V8's old
        // generation, where a thousand hosts' heartbeats piled up ~1 MB a second until the next
        // full collection (tens of MB of RSS). Unchanged pools (most of a status) keep the array
        // already held, so a beat leaves a few hundred bytes there instead.
        if (e.status && samePools(e.status.pools, status.pools)) status.pools = e.status.pools;
        e.status = status;
        if (e.state === 'connected') deps.onStatus(hostId);
      }
    },
    down(hostId) {
      const e = entries.get(hostId);
      if (!e) return;
      e.connected = false;
      update(hostId, e);
    },
    certChanged(hostId, reason) {
      const e = entry(hostId);
      if (e.connected) return; // the pinned key holds a live link: the other one is the impostor
      e.certChanged = reason;
      update(hostId, e);
    },
    revoked(hostId, reason) {
      const e = entry(hostId);
      e.revoked = reason;
      update(hostId, e);
    },
    forget(hostId) {
      entries.delete(hostId);
    },
    live(hostId) {
      return liveOf(entry(hostId));
    },
    all() {
      return [...entries].map(([hostId, e]) => ({ hostId, ...liveOf(e) }));
    },
    notResponding() {
      return [...entries].filter(([, e]) => e.state === 'not-responding').map(([id]) => id);
    },
    tick() {
      for (const [hostId, e] of entries) update(hostId, e);
    },
  };
}
