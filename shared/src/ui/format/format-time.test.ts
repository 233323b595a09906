import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, formatUtcOffset } from './format-time.ts';

// Node applies a TZ set at run time to later Date calls: each case runs in a known zone.
function inZone<T>(tz: string, fn: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

test('formatUtcOffset: sign, hours and minutes; plain UTC at zero', () => {
  assert.equal(formatUtcOffset(60), 'UTC+01:00');
  assert.equal(formatUtcOffset(-210), 'UTC-03:30');
  assert.equal(formatUtcOffset(345), 'UTC+05:45');
  assert.equal(formatUtcOffset(0), 'UTC');
});

test('formatDateTime names the offset in force at that moment', () => {
  const winter = Date.UTC(2026, 11, 2, 13, 3, 5);
  const summer = Date.UTC(2026, 6, 2, 12, 3, 5);
  inZone('Europe/Berlin', () => {
    assert.equal(formatDateTime(winter), '2026-12-02 14:03:05 UTC+01:00');
    assert.equal(formatDateTime(summer), '2026-07-02 14:03:05 UTC+02:00');
  });
  inZone('UTC', () =>
    assert.equal(formatDateTime(new Date(winter).toISOString()), '2026-12-02 13:03:05 UTC'),
  );
  inZone('America/St_Johns', () => assert.equal(formatDateTime(winter), '2026-12-02 09:33:05 UTC-03:30'));
});
