import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStore } from './create-store.ts';

test('update replaces the state and notifies with new and previous', () => {
  const store = createStore({ n: 1 });
  const seen: Array<[number, number]> = [];
  store.subscribe((s, p) => seen.push([s.n, p.n]));
  store.update((s) => ({ n: s.n + 1 }));
  assert.deepEqual(store.get(), { n: 2 });
  assert.deepEqual(seen, [[2, 1]]);
});

test('returning the same state notifies nobody', () => {
  const store = createStore({ n: 1 });
  let calls = 0;
  store.subscribe(() => calls++);
  store.update((s) => s);
  assert.equal(calls, 0);
});

test('unsubscribe stops notifications, also during a notification', () => {
  const store = createStore(0);
  const calls: string[] = [];
  const offB = store.subscribe(() => calls.push('b'));
  store.subscribe(() => {
    calls.push('a');
    offB();
  });
  store.update((n) => n + 1);
  store.update((n) => n + 1);
  assert.deepEqual(calls, ['b', 'a', 'a']);
});
