import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJoin, encodeJoin } from './join.ts';
import { JOIN_PREFIX } from './registration.ts';

const payload = {
  url: 'https://192.0.2.10:8443',
  token: 'abc123.0123456789abcdef',
  spki: `sha256:${'0f'.repeat(32)}`,
};

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('join strings', () => {
  it('round-trip through encodeJoin and decodeJoin', () => {
    const s = encodeJoin(payload);
    assert.ok(s.startsWith('qx1.'));
    assert.match(s.slice(4), /^[A-Za-z0-9_-]+$/, 'base64url without padding');
    assert.deepEqual(decodeJoin(s), { v: 1, ...payload });
  });

  it('encode the documented JSON, decodable by any base64url implementation', () => {
    const s = encodeJoin(payload);
    assert.deepEqual(JSON.parse(Buffer.from(s.slice(JOIN_PREFIX.length), 'base64url').toString('utf8')), {
      v: 1,
      ...payload,
    });
  });

  it('survive non-ASCII text and every base64 padding length', () => {
    for (const url of [
      'https://hôte.example:8443',
      'https://[2001:db8::1]:8443/',
      'https://a.b',
      'https://ab.c',
      'https://abc.d/ü/€',
    ]) {
      const s = encodeJoin({ ...payload, url });
      const back = decodeJoin(s);
      assert.ok(back, url);
      assert.equal(back.token, payload.token);
      assert.equal(back.spki, payload.spki);
      assert.deepEqual(decodeJoin(JOIN_PREFIX + b64url(JSON.stringify({ v: 1, ...payload, url }))), back);
    }
  });

  it('decode garbage to null', () => {
    const good = encodeJoin(payload);
    for (const bad of [
      '',
      'qx1.',
      'qx1.!!!!',
      'qx1.%%%',
      good.slice(4),
      `qx2.${good.slice(4)}`,
      `QX1.${good.slice(4)}`,
      good.slice(0, -5),
      `qx1.${b64url('not json')}`,
      `qx1.${b64url('null')}`,
      `qx1.${b64url('[]')}`,
      `qx1.${b64url(JSON.stringify({ ...payload, v: 2 }))}`,
      `qx1.${b64url(JSON.stringify(payload))}`,
      `qx1.${b64url(JSON.stringify({ v: 1, ...payload, token: 'ABC123.0123456789abcdef' }))}`,
      `qx1.${b64url(JSON.stringify({ v: 1, ...payload, spki: 'sha256:abc' }))}`,
      `qx1.${b64url(JSON.stringify({ v: 1, ...payload, url: 'not a url' }))}`,
    ]) {
      assert.equal(decodeJoin(bad), null, bad);
    }
  });
});
