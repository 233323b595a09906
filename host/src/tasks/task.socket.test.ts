import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskChanged, TaskSummary } from '@quantix/shared';
import type { TaskChange } from './task-store.ts';
import { attachTaskSocket } from './task.socket.ts';

const summary = (id: string, step: number, status: TaskSummary['status'] = 'running'): TaskSummary => ({
  id,
  title: 't',
  target: null,
  user: 'user:admin@127.0.0.1',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  status,
  progress: { step, total: 100, message: `step ${step}` },
  error: null,
});

function setup(pushMs: number) {
  const sent: TaskChanged[] = [];
  let listener: ((t: TaskSummary, c: TaskChange) => void) | null = null;
  const stop = attachTaskSocket({
    io: { emit: ((_e: 'task:changed', c: TaskChanged) => sent.push(c)) as never },
    tasks: {
      onChange: (fn) => {
        listener = fn;
        return () => (listener = null);
      },
    },
    pushMs,
  });
  const change = (t: TaskSummary, c: TaskChange) => listener?.(t, c);
  return { sent, change, stop };
}

describe('task:changed pushes', () => {
  it('sends a start and an end at once, and at most one progress per interval with the newest step', async () => {
    const { sent, change, stop } = setup(200);
    change(summary('a', 0), 'started');
    for (let i = 1; i <= 50; i++) change(summary('a', i), 'progress');
    // the start was just pushed: the steps wait for the interval, the newest one rides on it
    assert.deepEqual(
      sent.map((c) => c.task.progress?.step),
      [0],
    );
    for (let i = 0; i < 100 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      sent.map((c) => c.task.progress?.step),
      [0, 50],
    );
    change(summary('a', 51), 'progress');
    change(summary('a', 100, 'ok'), 'ended');
    // the end goes at once and the pending step is dropped
    assert.deepEqual(
      sent.map((c) => [c.task.progress?.step, c.task.status]),
      [
        [0, 'running'],
        [50, 'running'],
        [100, 'ok'],
      ],
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sent.length, 3, 'nothing after the end');
    stop();
  });
});
