import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EventsState, IsoTime, StoredUser } from '@quantix/shared';
import { z } from 'zod';
import { createEventStore, initialEventsState } from '../events/event-store.ts';
import { openJsonStore } from '../state/json-store.ts';
import { createAuthService } from './auth.service.ts';
import type { PasswordHasher } from './password-hash.ts';
import { createSessionStore } from './sessions.ts';
import { createSetupCodes } from './setup-code.ts';
import { usersIn } from './user-store.ts';

// A state file that is not the host's: the accounts live wherever the server keeps them.
const OtherState = z.object({ schema: z.literal(1), createdAt: IsoTime, users: z.array(StoredUser) });

// scrypt costs 1.5 s a hash; these tests are about the rules around it (password-hash.test.ts tests it)
const hasher: PasswordHasher = {
  hash: async (pw) => `plain$${pw}`,
  verify: async (pw, stored) => stored === `plain$${pw}`,
  dummyVerify: async () => undefined,
};

const dir = mkdtempSync(join(tmpdir(), 'qx-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function setup() {
  const file = join(dir, `${String(Math.random()).slice(2)}.json`);
  const state = await openJsonStore({
    file,
    schema: OtherState,
    initial: () => ({ schema: 1 as const, createdAt: new Date().toISOString(), users: [] }),
  });
  const eventsStore = await openJsonStore({
    file: `${file}.events`,
    schema: EventsState,
    initial: initialEventsState,
  });
  const sessions = createSessionStore({ idleTimeoutMs: 60_000 });
  const setupCodes = createSetupCodes();
  const events = createEventStore({ store: eventsStore });
  const auth = createAuthService({ users: usersIn(state), hasher, sessions, setupCodes, events });
  const onDisk = () => OtherState.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { auth, sessions, setupCodes, events, onDisk };
}

describe('auth service over a UserStore', () => {
  it('creates the first admin with the setup code, in the store it was given', async () => {
    const { auth, onDisk } = await setup();
    assert.equal(auth.setupRequired(), true);
    const { code } = auth.setupCode();
    await assert.rejects(auth.setup({ code: 'AAAA-AAAA-AAAA', username: 'root', password: 'x', from: 't' }), {
      code: 'SETUP_CODE_INVALID',
    });
    const session = await auth.setup({ code, username: 'root', password: 'secret-1', from: 't' });
    assert.equal(session.username, 'root');
    assert.equal(auth.setupRequired(), false);
    assert.deepEqual(
      onDisk().users.map((u) => [u.username, u.role, u.passwordHash]),
      [['root', 'admin', 'plain$secret-1']],
    );
    assert.throws(() => auth.setupCode(), { code: 'SETUP_DONE' });
  });

  it('logs in with the stored password, and a new password ends the sessions and the old password', async () => {
    const { auth, sessions, onDisk } = await setup();
    await auth.setup({ code: auth.setupCode().code, username: 'root', password: 'secret-1', from: 't' });
    await assert.rejects(auth.login({ username: 'root', password: 'wrong', from: 't' }), {
      code: 'INVALID_CREDENTIALS',
    });
    await assert.rejects(auth.login({ username: 'nobody', password: 'secret-1', from: 't' }), {
      code: 'INVALID_CREDENTIALS',
    });
    const s = await auth.login({ username: 'root', password: 'secret-1', from: 't' });
    assert.ok(sessions.touch(s.id));

    await auth.setPassword('root', 'secret-2', 'console');
    assert.equal(sessions.touch(s.id), null);
    assert.equal(onDisk().users[0]?.passwordHash, 'plain$secret-2');
    await assert.rejects(auth.login({ username: 'root', password: 'secret-1', from: 't' }), {
      code: 'INVALID_CREDENTIALS',
    });
    await assert.rejects(auth.setPassword('nobody', 'x', 'console'), { code: 'USER_NOT_FOUND' });
  });
});
