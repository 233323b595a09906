import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSetupCodes } from './setup-code.ts';

const TTL_MS = 30 * 60_000;
const FORMAT = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

function fakeClock(start = Date.parse('2026-03-01T12:00:00Z')) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('setup codes', () => {
  it('look like XXXX-XXXX-XXXX from the unambiguous alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { code } = createSetupCodes().current();
      assert.match(code, FORMAT);
      for (const c of code.replaceAll('-', '')) seen.add(c);
    }
    for (const ambiguous of ['0', 'O', '1', 'I']) assert.ok(!seen.has(ambiguous), ambiguous);
    assert.equal(seen.size, 32, 'the whole 32-character alphabet is used');
  });

  it('keeps the same code until it expires after 30 minutes', () => {
    const clock = fakeClock();
    const codes = createSetupCodes({ now: clock.now });
    const first = codes.current();
    assert.equal(first.expiresAt.getTime(), clock.t + TTL_MS);
    clock.t += TTL_MS - 1;
    assert.deepEqual(codes.current(), first);
    clock.t += 1;
    const next = codes.current();
    assert.notEqual(next.code, first.code);
    assert.equal(next.expiresAt.getTime(), clock.t + TTL_MS);
  });

  it('can be used exactly once', () => {
    const codes = createSetupCodes();
    const { code } = codes.current();
    assert.equal(codes.consume(code), true);
    assert.equal(codes.consume(code), false);
    assert.notEqual(codes.current().code, code, 'a fresh code is minted after use');
  });

  it('does not accept an expired code', () => {
    const clock = fakeClock();
    const codes = createSetupCodes({ now: clock.now });
    const { code } = codes.current();
    clock.t += TTL_MS;
    assert.equal(codes.consume(code), false);
  });

  it('ignores case and dashes', () => {
    for (const spell of [
      (c: string) => c.toLowerCase(),
      (c: string) => c.replaceAll('-', ''),
      (c: string) => ` ${c.toLowerCase().replaceAll('-', ' ')} `,
    ]) {
      const codes = createSetupCodes();
      const { code } = codes.current();
      assert.equal(codes.consume(spell(code)), true, spell(code));
    }
  });

  it('rejects a wrong code without using up the right one', () => {
    const codes = createSetupCodes();
    const { code } = codes.current();
    const wrong = code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal(codes.consume(wrong), false);
    assert.equal(codes.consume(''), false);
    assert.equal(codes.consume(`${code}A`), false);
    assert.equal(codes.consume(code), true);
  });

  it('checks a code without using it up', () => {
    const clock = fakeClock();
    const codes = createSetupCodes({ now: clock.now });
    const { code } = codes.current();
    assert.equal(codes.matches('AAAA-AAAA-AAAA'), false);
    assert.equal(codes.matches(code.toLowerCase()), true);
    assert.equal(codes.matches(code), true, 'still valid after a check');
    assert.equal(codes.consume(code), true);
    assert.equal(codes.matches(code), false, 'used up');
    const next = codes.current();
    clock.t += TTL_MS;
    assert.equal(codes.matches(next.code), false, 'expired');
  });

  it('rejects everything before a code has been shown', () => {
    const codes = createSetupCodes();
    assert.equal(codes.consume(''), false);
    assert.equal(codes.consume('AAAA-AAAA-AAAA'), false);
  });
});
