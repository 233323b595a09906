import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { SocketClient } from './socket-client.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** 22 characters of [A-Za-z0-9_-] from a CSPRNG (132 bits): what `X-Quantix-Task` carries. */
export function newTaskId(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  const bytes = random(22);
  let id = '';
  // 64 symbols: the low six bits of each byte pick one without bias
  for (const b of bytes) id += ALPHABET[b & 63];
  return id;
}

export interface TasksApi {
  /**
   * Runs a long request with `X-Quantix-Task: taskId`; `task:progress` for that id lands in
   * `state.tasks[taskId]` while it runs and is dropped when it ends.
   */
  run<T>(taskId: string, send: (headers: Record<string, string>) => Promise<T>): Promise<T>;
}

export function createTasksApi(deps: { socket: SocketClient; store: Store<AppState> }): TasksApi {
  const { store } = deps;
  const mine = new Set<string>();
  deps.socket.on('task:progress', (p) => {
    // progress of another tab's request in the same session is not ours to show
    if (!mine.has(p.taskId)) return;
    store.update((s) => ({ ...s, tasks: { ...s.tasks, [p.taskId]: p } }));
  });
  return {
    async run(taskId, send) {
      mine.add(taskId);
      try {
        return await send({ 'X-Quantix-Task': taskId });
      } finally {
        mine.delete(taskId);
        store.update((s) => {
          if (!(taskId in s.tasks)) return s;
          const { [taskId]: _done, ...rest } = s.tasks;
          return { ...s, tasks: rest };
        });
      }
    },
  };
}
