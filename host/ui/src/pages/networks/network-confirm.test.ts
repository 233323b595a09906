import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkDeleteConfirmation, networkStopConfirmation } from './network-confirm.ts';

test('stopping or deleting a network asks first, says what goes and that used ones are refused', () => {
  const stop = networkStopConfirmation('default');
  assert.equal(stop.title, 'Stop network default?');
  assert.equal(stop.confirmText, 'Stop network');
  assert.match(stop.body, /DHCP, DNS and NAT go down until it is started again/);
  assert.match(stop.body, /VMs are connected to cannot be stopped/);
  const del = networkDeleteConfirmation('default');
  assert.equal(del.title, 'Delete network default?');
  assert.match(del.body, /cannot be undone/);
  assert.match(del.body, /cannot be deleted\.$/);
});
