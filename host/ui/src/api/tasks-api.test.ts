import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AppState, initialState } from '../store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { createTasksApi, newTaskId } from './tasks-api.ts';

test('task ids are 22 characters of [A-Za-z0-9_-] and differ', () => {
  const a = newTaskId();
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a, newTaskId());
  assert.equal(
    newTaskId((n) => new Uint8Array(n).fill(255)),
    '-'.repeat(22),
  );
});

test('run sends the header, shows our progress only, and clears it at the end', async () => {
  const store = createStore<AppState>(initialState({ path: '/', search: '' }));
  const socket = fakeSocketClient();
  const tasks = createTasksApi({ socket: socket.client, store });
  let release: () => void = () => {};
  let sent: Record<string, string> = {};
  const running = tasks.run('task-1234567890abcdef', (headers) => {
    sent = headers;
    return new Promise<string>((resolve) => {
      release = () => resolve('done');
    });
  });
  assert.deepEqual(sent, { 'X-Quantix-Task': 'task-1234567890abcdef' });
  socket.emit('task:progress', { taskId: 'task-1234567890abcdef', step: 1, total: 3, message: 'Checking' });
  socket.emit('task:progress', { taskId: 'someone-elses-task-id', step: 1, total: 3, message: 'x' });
  assert.deepEqual(Object.keys(store.get().tasks), ['task-1234567890abcdef']);
  assert.equal(store.get().tasks['task-1234567890abcdef']?.message, 'Checking');
  release();
  assert.equal(await running, 'done');
  assert.deepEqual(store.get().tasks, {});
  socket.emit('task:progress', { taskId: 'task-1234567890abcdef', step: 3, total: 3, message: 'late' });
  assert.deepEqual(store.get().tasks, {}, 'a late event after the answer is ignored');
});
