import { createConsoleApp } from './console-app.ts';
import type { ServiceView } from './banner.ts';
import { fakeControl, fakeSystemActions, fakeTerminal, STATUS } from './fake-system.test-helper.ts';
import { terminalQr } from './qr-code.ts';

/** A console on fake streams, a fake control and fake actions; `view` is what the next poll sees. */
export function startConsole(dir: string, opts: { rows?: number; logs?: string; pollMs?: number } = {}) {
  const t = fakeTerminal({ cols: 80, rows: opts.rows ?? 24 });
  const controlCalls: string[] = [];
  const control = fakeControl(controlCalls);
  const system = fakeSystemActions(dir, opts.logs);
  const state: { view: ServiceView; polls: number } = { view: { kind: 'up', status: STATUS }, polls: 0 };
  const app = createConsoleApp({
    term: t.term,
    service: async () => {
      state.polls += 1;
      return state.view;
    },
    control,
    actions: system.actions,
    live: () => false,
    qr: terminalQr,
    pollMs: opts.pollMs ?? 10,
  });
  const done = app.run();
  return {
    ...t,
    state,
    controlCalls,
    system,
    async stop() {
      t.end();
      await done;
    },
  };
}

/** the banners drawn so far */
export const banners = (c: ReturnType<typeof startConsole>) =>
  c.screens().filter((s) => s.includes('[O] Power off'));
