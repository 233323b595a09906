import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msUntilOverdue, SHUTDOWN_TIMEOUT_MS, shutdownNotice, shutdownPhase } from './vm-shutdown.ts';

const asked = 1_000_000;

test('a shutdown waits while the guest is on, and is overdue after the timeout', () => {
  assert.equal(shutdownPhase(null, 'running', asked), 'idle');
  assert.equal(shutdownPhase(asked, 'running', asked), 'waiting');
  assert.equal(shutdownPhase(asked, 'shutdown', asked + SHUTDOWN_TIMEOUT_MS - 1), 'waiting');
  assert.equal(shutdownPhase(asked, 'running', asked + SHUTDOWN_TIMEOUT_MS), 'overdue');
  assert.equal(shutdownPhase(asked, 'paused', asked + SHUTDOWN_TIMEOUT_MS), 'overdue');
  assert.equal(shutdownPhase(asked, 'running', asked + 10, 10), 'overdue');
});

test('a guest that went off ends the watch, whenever that was', () => {
  assert.equal(shutdownPhase(asked, 'shutoff', asked + 5), 'idle');
  assert.equal(shutdownPhase(asked, 'shutoff', asked + 10 * SHUTDOWN_TIMEOUT_MS), 'idle');
  assert.equal(shutdownPhase(asked, 'crashed', asked + 5), 'idle');
});

test('time left until overdue', () => {
  assert.equal(msUntilOverdue(asked, asked), SHUTDOWN_TIMEOUT_MS);
  assert.equal(msUntilOverdue(asked, asked + 15_000), SHUTDOWN_TIMEOUT_MS - 15_000);
  assert.equal(msUntilOverdue(asked, asked + 2 * SHUTDOWN_TIMEOUT_MS), 0);
});

test('the notice says the request was sent, then offers force off', () => {
  assert.equal(shutdownNotice('web01', 'idle'), null);
  assert.equal(
    shutdownNotice('web01', 'waiting'),
    'Shutdown of web01 requested; waiting for the guest to power off…',
  );
  const late = shutdownNotice('web01', 'overdue') ?? '';
  assert.match(late, /^web01 is still on 60 s after the shutdown request\./);
  assert.match(late, /force it off\.$/);
});
