import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTION_LABEL, allowedActions, canDelete, hasConsole, isActionAllowed } from './vm-actions.ts';

test('each state offers the actions the host accepts', () => {
  assert.deepEqual(allowedActions('shutoff'), ['start']);
  assert.deepEqual(allowedActions('running'), ['shutdown', 'reboot', 'suspend', 'reset', 'destroy']);
  assert.deepEqual(allowedActions('paused'), ['resume', 'reset', 'destroy']);
  assert.deepEqual(allowedActions('crashed'), ['start', 'destroy']);
  assert.deepEqual(allowedActions('shutdown'), ['destroy']);
  assert.deepEqual(allowedActions('pmsuspended'), ['destroy']);
  assert.deepEqual(allowedActions('unknown'), []);
  assert.equal(isActionAllowed('start', 'running'), false);
});

test('labels say what the forceful actions do', () => {
  assert.equal(ACTION_LABEL.destroy, 'Force off');
  assert.equal(ACTION_LABEL.reset, 'Force reset');
  assert.equal(ACTION_LABEL.shutdown, 'Shut down');
});

test('delete needs the VM off; the console needs it on', () => {
  assert.equal(canDelete('shutoff'), true);
  assert.equal(canDelete('running'), false);
  assert.equal(canDelete('paused'), false);
  assert.equal(hasConsole('running'), true);
  assert.equal(hasConsole('paused'), true);
  assert.equal(hasConsole('shutoff'), false);
});
