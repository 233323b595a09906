import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACTION_LABEL,
  actionButtonLabel,
  actionConfirmation,
  allowedActions,
  canDelete,
  deleteVmNote,
  hasConsole,
  isActionAllowed,
} from './vm-actions.ts';

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

test('force off and force reset ask first, naming the VM and what the guest loses', () => {
  assert.deepEqual(actionConfirmation('destroy', 'web01'), {
    title: 'Force off web01?',
    body: 'The guest is stopped at once, like pulling the power cord; unsaved data in the guest is lost.',
    confirmText: 'Force off',
  });
  const reset = actionConfirmation('reset', 'web01');
  assert.equal(reset?.title, 'Force reset web01?');
  assert.match(reset?.body ?? '', /restarts at once.*unsaved data in the guest is lost/);
  for (const a of ['start', 'shutdown', 'reboot', 'suspend', 'resume'] as const) {
    assert.equal(actionConfirmation(a, 'web01'), null, a);
  }
  assert.equal(actionButtonLabel('destroy'), 'Force off…');
  assert.equal(actionButtonLabel('reset'), 'Force reset…');
  assert.equal(actionButtonLabel('shutdown'), 'Shut down');
});

test('the delete note agrees with the number of disks', () => {
  assert.match(deleteVmNote(1), /It has 1 disk; it is kept unless you tick the box\.$/);
  assert.match(deleteVmNote(3), /It has 3 disks; they are kept unless you tick the box\.$/);
  assert.doesNotMatch(deleteVmNote(0), /disk/);
});
