import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyNetworkForm, suggestBridge, toNetworkRequest, validateNetworkForm } from './network-form.ts';

const good = { ...emptyNetworkForm(), name: 'lab', bridge: 'virbr-lab' };

test('the default form with a name is valid and becomes the request', () => {
  assert.deepEqual(validateNetworkForm(good), {});
  assert.deepEqual(toNetworkRequest(good), {
    name: 'lab',
    mode: 'nat',
    bridge: 'virbr-lab',
    ipv4: { address: '192.168.100.1', prefix: 24, dhcpStart: '192.168.100.100', dhcpEnd: '192.168.100.200' },
  });
  assert.equal('ipv4' in toNetworkRequest({ ...good, withIpv4: false }), false);
});

test('addresses must sit in the subnet, the range in order and not cover the host', () => {
  assert.ok(validateNetworkForm({ ...good, dhcpEnd: '192.168.101.5' }).dhcpEnd);
  assert.ok(
    validateNetworkForm({ ...good, dhcpStart: '192.168.100.200', dhcpEnd: '192.168.100.100' }).dhcpEnd,
  );
  assert.ok(validateNetworkForm({ ...good, dhcpStart: '192.168.100.1' }).dhcpStart);
  assert.ok(validateNetworkForm({ ...good, address: '192.168.100.0' }).address);
  assert.ok(validateNetworkForm({ ...good, prefix: '31' }).prefix);
  assert.ok(validateNetworkForm({ ...good, address: '300.1.1.1' }).address);
});

test('bridge names are short and lower case', () => {
  assert.ok(validateNetworkForm({ ...good, bridge: 'Virbr0' }).bridge);
  assert.ok(validateNetworkForm({ ...good, bridge: 'a-bridge-name-too-long' }).bridge);
  assert.equal(suggestBridge('Lab.Net'), 'virbr-labnet');
  assert.equal(suggestBridge('a-very-long-network-name').length, 15);
});
