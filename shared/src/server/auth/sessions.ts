import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  username: string;
  createdAt: number;
  lastSeen: number;
}

export type SessionEndReason = 'logout' | 'expired' | 'revoked';

export interface SessionStore {
  create(username: string): Session;
  /** Returns the live session and refreshes its idle timer; an idle-expired one is ended. */
  touch(id: string): Session | null;
  end(id: string, reason: SessionEndReason): void;
  endAllFor(username: string, reason: SessionEndReason): void;
  onEnd(fn: (s: Session, reason: SessionEndReason) => void): () => void;
  readonly idleTimeoutMs: number;
  close(): void;
}

/**
 * Sessions live in memory (like ESXi's): a restart logs everyone out, and nothing secret about
 * them is ever written to disk. Ids are 256-bit random.
 */
export function createSessionStore(deps: { idleTimeoutMs: number; now?: () => number }): SessionStore {
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const listeners = new Set<(s: Session, reason: SessionEndReason) => void>();
  const end = (id: string, reason: SessionEndReason) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    for (const fn of listeners) fn(s, reason);
  };
  // Sweep so idle sessions end (and their sockets close) even if nobody touches them.
  const sweep = setInterval(
    () => {
      const t = now();
      for (const s of sessions.values()) if (t - s.lastSeen > deps.idleTimeoutMs) end(s.id, 'expired');
    },
    Math.min(60_000, deps.idleTimeoutMs),
  );
  sweep.unref();
  return {
    idleTimeoutMs: deps.idleTimeoutMs,
    create(username) {
      const t = now();
      const s = { id: randomBytes(32).toString('base64url'), username, createdAt: t, lastSeen: t };
      sessions.set(s.id, s);
      return s;
    },
    touch(id) {
      const s = sessions.get(id);
      if (!s) return null;
      if (now() - s.lastSeen > deps.idleTimeoutMs) {
        end(id, 'expired');
        return null;
      }
      s.lastSeen = now();
      return s;
    },
    end,
    endAllFor(username, reason) {
      for (const s of [...sessions.values()]) if (s.username === username) end(s.id, reason);
    },
    onEnd(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      clearInterval(sweep);
    },
  };
}
