import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubName } from './hub-name.ts';

const info = (publicUrl: string) => ({
  hubId: '00000000-0000-4000-8000-000000000001',
  spki: `sha256:${'a'.repeat(64)}`,
  version: '0.1.0',
  publicUrl,
});

test('the hub is named by the host of its public URL', () => {
  assert.equal(hubName(info('https://hub.example.test:9443')), 'hub.example.test:9443');
  assert.equal(hubName(info('not a url')), undefined);
  assert.equal(hubName(null), undefined);
});
