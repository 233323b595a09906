import type { Task, TaskList } from '@quantix/shared';
import { applyTaskChanged, TASK_LIST_LIMIT } from '../store/task-list.ts';
import type { StoreApiDeps } from './api-deps.ts';

export interface TaskListApi {
  /** the list, kept current by `task:changed` and read again after a reconnect; returns the stop */
  watchList(): () => void;
  /** one task with its log, read again while it changes; returns the stop */
  watchTask(id: string): () => void;
}

export function createTaskListApi(deps: StoreApiDeps): TaskListApi {
  const { http, socket, store, loadInto } = deps;
  let watchers = 0;
  let stopReconnect: (() => void) | null = null;
  let openTask: string | null = null;

  const loadList = () =>
    loadInto('taskList', async () => (await http.get<TaskList>(`/tasks?limit=${TASK_LIST_LIMIT}`)).tasks);
  const loadTask = (id: string) =>
    loadInto('taskDetail', () => http.get<Task>(`/tasks/${encodeURIComponent(id)}`));

  // pushed to every socket: the list is merged even while no page watches it, once it was read
  socket.on('task:changed', ({ task }) => {
    store.update((s) =>
      s.taskList.data
        ? { ...s, taskList: { ...s.taskList, data: applyTaskChanged(s.taskList.data, task) } }
        : s,
    );
    if (task.id === openTask) void loadTask(task.id);
  });

  return {
    watchList() {
      watchers++;
      if (watchers === 1) stopReconnect = socket.whileConnected(() => void loadList());
      if (!socket.isConnected() && store.get().taskList.data === null) void loadList();
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        watchers--;
        if (watchers === 0) {
          stopReconnect?.();
          stopReconnect = null;
        }
      };
    },
    watchTask(id) {
      openTask = id;
      void loadTask(id);
      return () => {
        if (openTask === id) openTask = null;
      };
    },
  };
}
