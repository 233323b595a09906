import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task, TaskSummary } from '@quantix/shared';
import { fakeSocketClient } from '@quantix/shared/ui/api/fake-socket-client.test-helper.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { type AppState, initialState } from '../store/app-state.ts';
import { applyTaskChanged, filterTasks, TASK_LIST_LIMIT, taskPercent } from '../store/task-list.ts';
import { routedHttp } from './fake-http.test-helper.ts';
import { createLoader } from './load-into.ts';
import { createTaskListApi } from './task-list-api.ts';

const task = (id: string, over: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  title: `Create VM "${id}"`,
  target: null,
  user: 'user:admin@127.0.0.1',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  status: 'running',
  progress: null,
  error: null,
  ...over,
});
const tick = () => new Promise((r) => setImmediate(r));

test('the list: a changed task replaces its row, a new one goes on top, at most the host’s cap', () => {
  const a = task('aaaaaaaa');
  const b = task('bbbbbbbb');
  const list = applyTaskChanged([a], b);
  assert.deepEqual(
    list.map((t) => t.id),
    ['bbbbbbbb', 'aaaaaaaa'],
  );
  const done = applyTaskChanged(list, { ...a, status: 'ok' });
  assert.deepEqual(
    done.map((t) => [t.id, t.status]),
    [
      ['bbbbbbbb', 'running'],
      ['aaaaaaaa', 'ok'],
    ],
  );
  const full = Array.from({ length: TASK_LIST_LIMIT }, (_, i) => task(`t${String(i).padStart(8, '0')}`));
  assert.equal(applyTaskChanged(full, task('newest00')).length, TASK_LIST_LIMIT);
  assert.deepEqual(
    filterTasks(done, 'ok', '').map((t) => t.id),
    ['aaaaaaaa'],
  );
  assert.deepEqual(
    filterTasks(done, '', 'VM "bbb').map((t) => t.id),
    ['bbbbbbbb'],
  );
  assert.equal(taskPercent(task('x', { progress: { step: 1, total: 4, message: 'm' } })), 25);
  assert.equal(taskPercent(task('x')), null);
});

test('watchList reads the list, task:changed keeps it current, and an open task is read again', async () => {
  const store = createStore<AppState>(initialState({ path: '/tasks', search: '' }));
  const full: Task = { ...task('aaaaaaaa'), log: [] };
  const { http, calls } = routedHttp({
    'GET /tasks?limit=500': () => ({ tasks: [task('aaaaaaaa')] }),
    'GET /tasks/aaaaaaaa': () => full,
  });
  const socket = fakeSocketClient();
  const api = createTaskListApi({ http, socket: socket.client, store, loadInto: createLoader(store) });
  const stop = api.watchList();
  await tick();
  assert.deepEqual(
    store.get().taskList.data?.map((t) => t.id),
    ['aaaaaaaa'],
  );
  const stopTask = api.watchTask('aaaaaaaa');
  await tick();
  assert.equal(store.get().taskDetail.data?.id, 'aaaaaaaa');
  const before = calls.length;
  socket.emit('task:changed', { task: task('aaaaaaaa', { status: 'ok' }) });
  socket.emit('task:changed', { task: task('bbbbbbbb') });
  await tick();
  assert.deepEqual(
    store.get().taskList.data?.map((t) => [t.id, t.status]),
    [
      ['bbbbbbbb', 'running'],
      ['aaaaaaaa', 'ok'],
    ],
  );
  assert.deepEqual(calls.slice(before), ['GET /tasks/aaaaaaaa'], 'the open task was read again, once');
  stopTask();
  stop();
});
