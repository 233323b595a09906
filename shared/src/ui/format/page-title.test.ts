import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageTitle } from './page-title.ts';

test('the page title names the object first, then the page and the host', () => {
  assert.equal(pageTitle({ page: 'VM', detail: 'web01', hostname: 'kvm1' }), 'web01 — VM — kvm1 — Quantix');
  assert.equal(pageTitle({ page: 'Storage pool', detail: 'images' }), 'images — Storage pool — Quantix');
  assert.equal(pageTitle({ page: 'VMs', detail: null, hostname: 'kvm1' }), 'VMs — kvm1 — Quantix');
});
