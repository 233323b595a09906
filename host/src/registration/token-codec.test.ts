import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { challengeMessage } from '@quantix/shared';
import { challengeProof } from '@quantix/shared/server';
import {
  newHubCredential,
  randomAlnum,
  safeEqual,
  sha256Hex,
  splitHubCredential,
  splitToken,
} from './token-codec.ts';

describe('randomAlnum', () => {
  it('returns n characters of [a-z0-9]', () => {
    assert.equal(randomAlnum(0), '');
    for (const n of [1, 6, 16, 100]) assert.match(randomAlnum(n), new RegExp(`^[a-z0-9]{${n}}$`));
  });

  it('uses the whole alphabet and differs between calls', () => {
    const seen = new Set(randomAlnum(5000));
    assert.equal(seen.size, 36);
    assert.notEqual(randomAlnum(16), randomAlnum(16));
  });
});

describe('splitToken', () => {
  it('splits a well-formed token', () => {
    assert.deepEqual(splitToken('abc123.0123456789abcdef'), { id: 'abc123', secret: '0123456789abcdef' });
  });

  it('rejects everything else', () => {
    for (const bad of [
      '',
      'abc123',
      'abc123.',
      '.0123456789abcdef',
      'ABC123.0123456789abcdef',
      'abc123.0123456789ABCDEF',
      'abc12.0123456789abcdef',
      'abc1234.0123456789abcdef',
      'abc123.0123456789abcde',
      'abc123.0123456789abcdef0',
      'abc123-0123456789abcdef',
      'abc123..0123456789abcdef',
      ' abc123.0123456789abcdef',
      'abc123.0123456789abcdef\n',
      'abc_23.0123456789abcdef',
      'qx1.abc123.0123456789abcdef',
    ]) {
      assert.equal(splitToken(bad), null, JSON.stringify(bad));
    }
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    assert.equal(safeEqual('secret', 'secret'), true);
    assert.equal(safeEqual('secret', 'secreT'), false);
    assert.equal(safeEqual('secret', 'secret-longer'), false);
    assert.equal(safeEqual('', ''), true);
  });
});

describe('challengeProof', () => {
  const p = {
    secret: '0123456789abcdef',
    nonce: 'bm9uY2Utbm9uY2Utbm9uY2U',
    tokenId: 'abc123',
    hostId: '6f1c1c36-5b5e-4b8e-9d5a-1f2d3c4b5a69',
    spki: `sha256:${'a'.repeat(64)}`,
  };

  it('is the hex HMAC-SHA256, keyed by the token secret, of the shared challenge message', () => {
    const message = challengeMessage(p);
    assert.equal(message, ['quantix-registration-v1', p.nonce, p.tokenId, p.hostId, p.spki].join('\n'));
    const expected = createHmac('sha256', Buffer.from(p.secret, 'utf8'))
      .update(message, 'utf8')
      .digest('hex');
    assert.equal(challengeProof(p), expected);
    assert.match(challengeProof(p), /^[0-9a-f]{64}$/);
  });

  it('changes when any input changes', () => {
    const base = challengeProof(p);
    for (const key of ['secret', 'nonce', 'tokenId', 'hostId', 'spki'] as const) {
      assert.notEqual(challengeProof({ ...p, [key]: `${p[key]}x` }), base, key);
    }
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('hub credentials', () => {
  it('mints qxc.<8 id>.<32 secret> credentials that split back', () => {
    const c = newHubCredential();
    assert.match(c.credential, /^qxc\.[a-z0-9]{8}\.[A-Za-z0-9_-]{32}$/);
    assert.equal(c.credential, `qxc.${c.id}.${c.secret}`);
    assert.deepEqual(splitHubCredential(c.credential), { id: c.id, secret: c.secret });
    assert.notEqual(newHubCredential().secret, c.secret);
  });

  it('rejects malformed credentials', () => {
    const { id, secret } = newHubCredential();
    for (const bad of [
      '',
      `qxc.${id}`,
      `qxc.${id}.${secret}x`,
      `qxc.${id}.${secret.slice(1)}`,
      `qxd.${id}.${secret}`,
      `qxc.${id.toUpperCase()}A.${secret}`,
      `qxc.${id}.${secret.slice(1)}+`,
      `abc123.0123456789abcdef`,
    ]) {
      assert.equal(splitHubCredential(bad), null, bad);
    }
  });
});
