import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD_HINT, validateSetup } from './setup-validation.ts';

const ok = { code: 'ABCD-EFGH-IJKL', username: 'admin', password: 'correct horse', confirm: 'correct horse' };

test('a complete form has no errors', () => {
  assert.deepEqual(validateSetup(ok), {});
});

test('each field is checked', () => {
  assert.deepEqual(
    Object.keys(validateSetup({ code: ' ', username: 'Admin', password: 'short', confirm: 'x' })),
    ['code', 'username', 'password', 'confirm'],
  );
  assert.ok(validateSetup({ ...ok, username: 'a'.repeat(33) }).username);
  assert.ok(validateSetup({ ...ok, username: '1abc' }).username);
  assert.equal(validateSetup({ ...ok, username: '_svc.adm-1' }).username, undefined);
  assert.ok(validateSetup({ ...ok, password: 'x'.repeat(257), confirm: 'x'.repeat(257) }).password);
  assert.equal(validateSetup({ ...ok, confirm: 'correct horsE' }).confirm, 'The passwords do not match.');
});

test('a short password says how short, not the hint again', () => {
  const short = validateSetup({ ...ok, password: 'abc', confirm: 'abc' }).password;
  assert.equal(short, 'Too short: 3 of at least 10 characters.');
  assert.notEqual(short, PASSWORD_HINT);
  assert.equal(validateSetup({ ...ok, password: '', confirm: '' }).password, 'Enter a password.');
});

test('agrees with the shared zod schema (kept out of the bundle, so checked here)', async () => {
  const { SetupRequest } = await import('@quantix/shared');
  const usernames = ['admin', '_x', 'a.b-c_d', 'Admin', '1abc', '', 'a'.repeat(32), 'a'.repeat(33), 'ad min'];
  const passwords = ['x'.repeat(9), 'x'.repeat(10), 'x'.repeat(256), 'x'.repeat(257)];
  for (const username of usernames) {
    for (const password of passwords) {
      const ours = validateSetup({ code: 'ABCD-EFGH-IJKL', username, password, confirm: password });
      const theirs = SetupRequest.safeParse({ code: 'ABCD-EFGH-IJKL', username, password }).success;
      assert.equal(Object.keys(ours).length === 0, theirs, `${username} / ${password.length} chars`);
    }
  }
});
