import type { Timers, Visibility } from './poller.ts';

/** Timers that fire only when the test says, and a page whose visibility the test flips. */
export function fakeTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  let shown = true;
  const listeners = new Set<() => void>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout(id) {
      pending.delete(id as number);
    },
  };
  const visibility: Visibility = {
    visible: () => shown,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return {
    timers,
    visibility,
    pending,
    listeners,
    /** the delays of the timers now pending */
    delays: () => [...pending.values()].map((t) => t.ms),
    /** fires the pending timers (only those of `ms`, when given), then lets the runs settle */
    async fire(ms?: number) {
      const due = [...pending.entries()].filter(([, t]) => ms === undefined || t.ms === ms);
      for (const [id] of due) pending.delete(id);
      for (const [, t] of due) t.fn();
      await settle();
    },
    async show(on: boolean) {
      shown = on;
      for (const l of [...listeners]) l();
      await settle();
    },
  };
}

export const settle = () => new Promise((r) => setImmediate(r));
