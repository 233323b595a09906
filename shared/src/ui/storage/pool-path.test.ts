import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breadcrumbs, joinRel, normalizeRel, parentRel } from './pool-path.ts';

test('paths are normalised: no empty or "." segments, no leading or trailing slash', () => {
  assert.equal(normalizeRel(''), '');
  assert.equal(normalizeRel('/'), '');
  assert.equal(normalizeRel('/a//b/./c/'), 'a/b/c');
});

test('join and parent', () => {
  assert.equal(joinRel('', 'iso'), 'iso');
  assert.equal(joinRel('a/b', 'c'), 'a/b/c');
  assert.equal(joinRel('a/', '/c/'), 'a/c');
  assert.equal(joinRel('a', ''), 'a');
  assert.equal(parentRel('a/b/c'), 'a/b');
  assert.equal(parentRel('a'), '');
  assert.equal(parentRel(''), '');
});

test('breadcrumbs start at the pool and lead to the folder', () => {
  assert.deepEqual(breadcrumbs('images', ''), [{ label: 'images', path: '' }]);
  assert.deepEqual(breadcrumbs('images', '/iso/debian/'), [
    { label: 'images', path: '' },
    { label: 'iso', path: 'iso' },
    { label: 'debian', path: 'iso/debian' },
  ]);
});
