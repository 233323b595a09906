import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADOPT_ADVICE, adoptionAdvice, phaseText } from './adopt-advice.ts';

// every code adding a host can end with: the transport's, the host's answers, the hub's own checks
const ADOPTION_CODES = [
  'HOST_CONNECTION_FAILED',
  'TLS_ERROR',
  'HOST_FIRMWARE_OUTDATED',
  'HOST_API_NOT_AVAILABLE',
  'HOST_IDENTITY_MISMATCH',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'TOKEN_MISSING',
  'ADDRESS_NOT_ALLOWED',
  'REDIRECT_NOT_ALLOWED',
  'CONNECTION_TIMEOUT',
  'NETWORK_UNREACHABLE',
  'INVALID_RESPONSE',
  'HOST_ALREADY_REGISTERED',
  'VALIDATION_FAILED',
] as const;

test('every adoption error code has advice of its own', () => {
  const seen = new Set<string>();
  for (const code of ADOPTION_CODES) {
    const advice = adoptionAdvice(code);
    assert.ok(advice && advice.length > 20, `${code} has advice`);
    assert.ok(!seen.has(advice), `${code}'s advice is not another code's`);
    seen.add(advice);
  }
});

test('the advice says what to do where it matters most', () => {
  assert.match(adoptionAdvice('HOST_CONNECTION_FAILED') ?? '', /running and the port right/);
  assert.match(adoptionAdvice('TLS_ERROR') ?? '', /https address/);
  assert.match(
    adoptionAdvice('HOST_IDENTITY_MISMATCH') ?? '',
    /intercepting.*fingerprint on the host's console/s,
  );
  assert.match(
    adoptionAdvice('TOKEN_EXPIRED') ?? '',
    /Mint a new token on the host \(Registration page or `quantix-host token`\)/,
  );
});

test('codes without advice give null, not a guess', () => {
  assert.equal(adoptionAdvice('INTERNAL'), null);
  assert.equal(adoptionAdvice('NETWORK_ERROR'), null);
  assert.equal(adoptionAdvice('nonsense'), null);
  assert.equal(ADOPT_ADVICE.INTERNAL, undefined);
});

test('phases read as words; unknown or missing ones as nothing', () => {
  assert.equal(phaseText('identity'), "Failed while checking the host's key.");
  assert.equal(phaseText('token'), 'Failed while presenting the token.');
  assert.equal(phaseText(undefined), null);
  assert.equal(phaseText('toString'), null);
});
