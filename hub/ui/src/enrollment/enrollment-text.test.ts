import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Enrollment } from '@quantix/shared';
import {
  emptyEnrollmentForm,
  enrollmentStatus,
  joinHubCommand,
  shellQuote,
  toEnrollmentRequest,
  validateEnrollment,
} from './enrollment-text.ts';

test('the join command quotes the string as one shell word', () => {
  assert.equal(joinHubCommand('qxh1.eyJ2IjoxfQ'), "quantix-host join-hub 'qxh1.eyJ2IjoxfQ'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

const base: Enrollment = {
  id: 'abcd1234',
  label: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'admin',
  expiresAt: '2026-01-02T00:00:00.000Z',
  maxUses: 2,
  uses: 0,
  revokedAt: null,
};

test('status: revoked beats used up beats expired', () => {
  const before = Date.parse('2026-01-01T12:00:00.000Z');
  const after = Date.parse('2026-01-03T00:00:00.000Z');
  assert.equal(enrollmentStatus(base, before), 'active');
  assert.equal(enrollmentStatus(base, after), 'expired');
  assert.equal(enrollmentStatus({ ...base, uses: 2 }, after), 'used');
  assert.equal(enrollmentStatus({ ...base, uses: 2, revokedAt: base.createdAt }, before), 'revoked');
});

test('the form: hours 1–720, uses 1–10000, an optional label', () => {
  assert.deepEqual(validateEnrollment(emptyEnrollmentForm()), {});
  assert.deepEqual(toEnrollmentRequest(emptyEnrollmentForm()), { expiresInHours: 24, maxUses: 1 });
  assert.deepEqual(toEnrollmentRequest({ label: ' rack 4 ', expiresInHours: '72', maxUses: '10' }), {
    label: 'rack 4',
    expiresInHours: 72,
    maxUses: 10,
  });
  const bad = validateEnrollment({ label: 'x'.repeat(65), expiresInHours: '721', maxUses: '0' });
  assert.deepEqual(Object.keys(bad).sort(), ['expiresInHours', 'label', 'maxUses']);
});
