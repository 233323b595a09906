import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { createSecretBox, isSealed } from './secret-box.ts';

const credential = 'qxc.ab12cd34.Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4MTI';
const hostId = '0b6f0d4e-3c1a-4a6e-9f3e-2d1c0b9a8f7e';

function corrupt(fn: () => unknown): true {
  assert.throws(fn, (err: unknown) => err instanceof AppError && err.code === 'STATE_CORRUPT');
  return true;
}

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('seals to sealed:v1 without the plaintext, and opens for the same host', () => {
    const sealed = box.seal(credential, hostId);
    assert.match(sealed, /^sealed:v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.ok(isSealed(sealed));
    assert.ok(!sealed.includes('qxc.'));
    assert.ok(!sealed.includes(credential.slice(13)));
    assert.equal(box.open(sealed, hostId), credential);
  });

  it('uses a fresh IV each time: the same secret never seals to the same text', () => {
    const a = box.seal(credential, hostId);
    const b = box.seal(credential, hostId);
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[0], b.split('.')[0]);
    assert.equal(box.open(b, hostId), credential);
  });

  it('refuses a value sealed for another host (the context is authenticated)', () => {
    const sealed = box.seal(credential, hostId);
    corrupt(() => box.open(sealed, '11111111-2222-4333-8444-555555555555'));
  });

  it('refuses a changed ciphertext, IV or tag', () => {
    const sealed = box.seal(credential, hostId);
    const [iv, body, tag] = sealed.slice('sealed:v1:'.length).split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const changed of [
      `sealed:v1:${flip(iv)}.${body}.${tag}`,
      `sealed:v1:${iv}.${flip(body)}.${tag}`,
      `sealed:v1:${iv}.${body}.${flip(tag)}`,
    ]) {
      corrupt(() => box.open(changed, hostId));
    }
  });

  it('refuses a value sealed with another key', () => {
    const other = createSecretBox(randomBytes(32));
    corrupt(() => box.open(other.seal(credential, hostId), hostId));
  });

  it('refuses plaintext and malformed values', () => {
    for (const v of [credential, 'sealed:v1:', 'sealed:v1:a.b', 'sealed:v1:!!.??.**', 'sealed:v2:a.b.c']) {
      corrupt(() => box.open(v, hostId));
    }
    assert.equal(isSealed(credential), false);
  });

  it('takes only a 32-byte key', () => {
    assert.throws(() => createSecretBox(randomBytes(16)));
  });
});
