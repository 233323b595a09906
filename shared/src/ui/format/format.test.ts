import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatPercent, formatRate, percentOf } from './format-bytes.ts';
import { formatCountdown, formatDateTime, formatDuration, formatRelative } from './format-time.ts';

test('formatBytes uses IEC units and three significant digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.00 KiB');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(10 * 1024 * 1024), '10.0 MiB');
  assert.equal(formatBytes(16_663_535_616), '15.5 GiB');
  assert.equal(formatBytes(200 * 1024 ** 4), '200 TiB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatBytes(Number.NaN), '—');
});

test('formatRate and percentages', () => {
  assert.equal(formatRate(2048), '2.00 KiB/s');
  assert.equal(formatPercent(12.345), '12.3%');
  assert.equal(formatPercent(Number.NaN), '—');
  assert.equal(percentOf(1, 4), 25);
  assert.equal(percentOf(1, 0), 0);
  assert.equal(percentOf(5, 4), 100);
});

test('formatDuration picks the useful units', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(59.9), '59s');
  assert.equal(formatDuration(61), '1m 1s');
  assert.equal(formatDuration(3 * 3600 + 62), '3h 1m 2s');
  assert.equal(formatDuration(2 * 86_400 + 3600 + 60 + 1), '2d 1h 1m');
  assert.equal(formatDuration(-5), '—');
});

test('formatCountdown rounds up and ends with null', () => {
  assert.equal(formatCountdown(3_600_000), '1:00:00');
  assert.equal(formatCountdown(3_599_001), '1:00:00');
  assert.equal(formatCountdown(59_000), '0:59');
  assert.equal(formatCountdown(61_500), '1:02');
  assert.equal(formatCountdown(0), null);
  assert.equal(formatCountdown(-1), null);
});

test('formatDateTime is local YYYY-MM-DD HH:MM:SS with the zone', () => {
  assert.match(formatDateTime(new Date(2025, 0, 2, 3, 4, 5)), /^2025-01-02 03:04:05 UTC([+-]\d\d:\d\d)?$/);
  assert.equal(formatDateTime('not a date'), '—');
});

test('formatRelative', () => {
  const now = Date.UTC(2025, 0, 1);
  assert.equal(formatRelative(now + 90_000, now), 'in 1m 30s');
  assert.equal(formatRelative(now - 5_000, now), '5s ago');
  assert.equal(formatRelative(now, now), 'now');
});
