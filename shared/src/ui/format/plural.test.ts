import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOf, itIs } from './plural.ts';

test('countOf agrees the noun with the number', () => {
  assert.equal(countOf(1, 'disk'), '1 disk');
  assert.equal(countOf(2, 'disk'), '2 disks');
  assert.equal(countOf(0, 'volume'), '0 volumes');
  assert.equal(countOf(3, 'entry', 'entries'), '3 entries');
});

test('itIs agrees the pronoun and the verb', () => {
  assert.equal(itIs(1), 'it is');
  assert.equal(itIs(2), 'they are');
});
