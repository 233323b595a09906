import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolDeleteConfirmation, poolStopConfirmation } from './pool-confirm.ts';

test('stopping a pool asks first and says its contents stay', () => {
  const c = poolStopConfirmation('images');
  assert.equal(c.title, 'Stop pool images?');
  assert.equal(c.confirmText, 'Stop pool');
  assert.match(c.body, /cannot be listed, created or attached until it is started again/);
  assert.match(c.body, /nothing in it is deleted/);
});

test('deleting a pool counts its volumes in good English', () => {
  assert.match(poolDeleteConfirmation('images', 1).body, /Its 1 volume and its directory/);
  assert.match(poolDeleteConfirmation('images', 4).body, /Its 4 volumes and its directory/);
  assert.match(poolDeleteConfirmation('images', 0).body, /Its directory or volume group is left as it is\./);
  assert.equal(poolDeleteConfirmation('images', 0).title, 'Delete pool images?');
});
