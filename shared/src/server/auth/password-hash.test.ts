import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { createPasswordHasher } from './password-hash.ts';

const PASSWORD = 'correct horse battery staple';
const FORMAT = /^scrypt\$131072\$8\$1\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;

/** scrypt with small parameters, computed here, in the module's format. */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('password hasher', () => {
  const hasher = createPasswordHasher();
  let stored: string;
  before(async () => {
    stored = await hasher.hash(PASSWORD);
  });

  it('produces scrypt$131072$8$1$<salt>$<key> that plain scrypt reproduces', () => {
    const m = FORMAT.exec(stored);
    assert.ok(m, stored);
    const salt = Buffer.from(m[1] ?? '', 'base64');
    const key = scryptSync(PASSWORD, salt, 32, { N: 131072, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    assert.equal(key.toString('base64'), m[2]);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hasher.hash(PASSWORD), stored);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    assert.equal(await hasher.verify(PASSWORD, stored), true);
    assert.equal(await hasher.verify(`${PASSWORD}!`, stored), false);
  });

  it('verifies hashes made with other scrypt parameters', async () => {
    const h = cheapHash('another password');
    assert.equal(await hasher.verify('another password', h), true);
    assert.equal(await hasher.verify('another passwore', h), false);
  });

  it('normalises the password to NFC before hashing', async () => {
    const h = cheapHash('caf\u00e9 au lait');
    assert.equal(await hasher.verify('cafe\u0301 au lait', h), true);
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    const [, , , , salt = '', key = ''] = cheapHash('pw').split('$');
    for (const bad of [
      '',
      'plaintext',
      `bcrypt$1024$8$1$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}`,
      `scrypt$1024$8$1$${salt}$${key}$extra`,
      `scrypt$abc$8$1$${salt}$${key}`,
      `scrypt$0$8$1$${salt}$${key}`,
      `scrypt$1024$0$1$${salt}$${key}`,
      `scrypt$1024$8$$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}$`,
      `scrypt$1024$8$1$${salt}$${key.slice(4)}`,
    ]) {
      assert.equal(await hasher.verify('pw', bad), false, bad);
    }
  });

  it('treats a stored hash with impossible scrypt parameters as a mismatch', {}, async () => {
    const [, , , , salt = '', key = ''] = cheapHash('pw').split('$');
    assert.equal(await hasher.verify('pw', `scrypt$1000$8$1$${salt}$${key}`), false);
    assert.equal(await hasher.verify('pw', `scrypt$1073741824$8$1$${salt}$${key}`), false);
  });

  it('refuses to check when the queue is full: RATE_LIMITED, never a mismatch', async () => {
    const busy = createPasswordHasher({ concurrency: 1, maxQueue: 0 });
    const stored = cheapHash('the right password');
    const first = busy.verify('the right password', stored);
    const isBusy = (err: unknown) =>
      err instanceof AppError && err.code === 'RATE_LIMITED' && err.details?.retryAfterSeconds !== undefined;
    // all three asked while the first still holds the only slot
    const known = busy.verify('the right password', stored);
    const unknown = busy.dummyVerify('the right password');
    const hashing = busy.hash('the right password');
    await assert.rejects(known, isBusy, 'a known user');
    await assert.rejects(unknown, isBusy, 'an unknown user');
    await assert.rejects(hashing, isBusy);
    assert.equal(await first, true);
    assert.equal(await busy.verify('the right password', stored), true, 'free again');
  });

  it('burns a full hash in dummyVerify', async () => {
    await hasher.dummyVerify(PASSWORD);
  });

  it('runs at most `concurrency` hashes at a time, in arrival order', async () => {
    const serial = createPasswordHasher({ concurrency: 1 });
    const done: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => serial.hash(`password ${i}`).then(() => done.push(i))));
    assert.deepEqual(done, [0, 1, 2, 3]);
    // with no queue, what cannot run at once is refused: two slots take two hashes, not three
    const two = createPasswordHasher({ concurrency: 2, maxQueue: 0 });
    const running = [two.hash('a password'), two.hash('b password')];
    await assert.rejects(
      two.hash('c password'),
      { code: 'RATE_LIMITED' },
      'a third would run beside the two',
    );
    await Promise.all(running);
    await two.hash('d password');
  });
});
