import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeHostUrl } from './host-url.ts';

test("only an https URL becomes the host UI's link", () => {
  assert.equal(safeHostUrl('https://kvm1.example.net:8443'), 'https://kvm1.example.net:8443/');
  assert.equal(safeHostUrl('javascript:alert(1)'), null);
  assert.equal(safeHostUrl('http://kvm1:8443'), null);
  assert.equal(safeHostUrl('data:text/html,x'), null);
  assert.equal(safeHostUrl('not a url'), null);
});
