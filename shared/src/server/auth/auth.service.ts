import { AppError, type SessionInfo } from '@quantix/shared';
import type { EventStore } from '../events/event-store.ts';
import type { PasswordHasher } from './password-hash.ts';
import type { Session, SessionStore } from './sessions.ts';
import type { SetupCodes } from './setup-code.ts';
import type { UserStore } from './user-store.ts';

export interface AuthService {
  setupRequired(): boolean;
  setupCode(): { code: string; expiresAt: Date };
  setup(input: { code: string; username: string; password: string; from: string }): Promise<Session>;
  login(input: {
    username: string;
    password: string;
    from: string;
    previousSessionId?: string;
  }): Promise<Session>;
  logout(sessionId: string): void;
  setPassword(username: string, password: string, via: string): Promise<void>;
  describe(s: Session): SessionInfo;
}

export function createAuthService(deps: {
  users: UserStore;
  hasher: PasswordHasher;
  sessions: SessionStore;
  setupCodes: SetupCodes;
  events: EventStore;
}): AuthService {
  const { users, hasher, sessions, events } = deps;
  const setupRequired = () => users.all().length === 0;
  let setupInFlight = false;

  return {
    setupRequired,
    setupCode() {
      if (!setupRequired()) throw new AppError('SETUP_DONE', 'an administrator already exists');
      return deps.setupCodes.current();
    },
    async setup({ code, username, password, from }) {
      if (!setupRequired() || setupInFlight)
        throw new AppError('SETUP_DONE', 'setup has already been completed');
      if (!deps.setupCodes.matches(code)) {
        await events.record({
          level: 'warning',
          category: 'security',
          message: 'Setup attempted with a wrong or expired setup code',
          source: from,
        });
        throw new AppError('SETUP_CODE_INVALID', 'the setup code is wrong, expired or already used');
      }
      setupInFlight = true;
      try {
        // Hash first, use the code up after: a host too busy to hash (429) must not burn it.
        const passwordHash = await hasher.hash(password);
        if (!deps.setupCodes.consume(code))
          throw new AppError('SETUP_CODE_INVALID', 'the setup code is wrong, expired or already used');
        const at = new Date().toISOString();
        await users.update((list) => {
          list.push({ username, role: 'admin', passwordHash, createdAt: at, passwordChangedAt: at });
        });
      } finally {
        setupInFlight = false;
      }
      await events.record({
        level: 'info',
        category: 'security',
        message: `Initial setup completed: administrator "${username}" created`,
        source: from,
      });
      return sessions.create(username);
    },
    async login({ username, password, from, previousSessionId }) {
      const user = users.all().find((u) => u.username === username);
      let ok = false;
      if (user) ok = await hasher.verify(password, user.passwordHash);
      else await hasher.dummyVerify(password); // same cost, so timing does not reveal unknown users
      if (!ok || !user) {
        await events.record({
          level: 'warning',
          category: 'security',
          message: `Failed login for "${username}"`,
          source: from,
        });
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      }
      // The password may have been changed while scrypt ran: the old one must not win that race.
      const now = users.all().find((u) => u.username === username);
      if (now?.passwordHash !== user.passwordHash)
        throw new AppError('INVALID_CREDENTIALS', 'wrong username or password');
      if (previousSessionId) sessions.end(previousSessionId, 'logout');
      const session = sessions.create(user.username);
      await events.record({
        level: 'info',
        category: 'security',
        message: `User "${username}" logged in`,
        source: from,
      });
      return session;
    },
    logout(sessionId) {
      sessions.end(sessionId, 'logout');
    },
    async setPassword(username, password, via) {
      if (!users.all().some((u) => u.username === username)) {
        throw new AppError('USER_NOT_FOUND', `no user named "${username}"`);
      }
      const passwordHash = await hasher.hash(password);
      await users.update((list) => {
        const u = list.find((x) => x.username === username);
        if (u) {
          u.passwordHash = passwordHash;
          u.passwordChangedAt = new Date().toISOString();
        }
      });
      sessions.endAllFor(username, 'revoked');
      await events.record({
        level: 'warning',
        category: 'security',
        message: `Password of "${username}" was changed`,
        source: via,
      });
    },
    describe(s) {
      return {
        username: s.username,
        role: 'admin',
        createdAt: new Date(s.createdAt).toISOString(),
        idleTimeoutSeconds: Math.round(sessions.idleTimeoutMs / 1000),
      };
    },
  };
}
