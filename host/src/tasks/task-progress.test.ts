import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, type TaskProgress } from '@quantix/shared';
import express from 'express';
import { startTask, taskProgress } from './task-progress.ts';
import { openTaskStore, type TaskStore } from './task-store.ts';

// A real express app on 127.0.0.1 and a real task file: how a route's request becomes a task.
describe('taskProgress and startTask', () => {
  let dir = '';
  let store: TaskStore;
  let base = '';
  let close = () => {};
  let release: () => void = () => {};
  const pushed: { session: string; progress: TaskProgress }[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qxtask-progress-'));
    store = await openTaskStore({ file: join(dir, 'tasks.json') });
    const tasks = {
      store,
      toSession: (session: string, progress: TaskProgress) => void pushed.push({ session, progress }),
    };
    const app = express();
    // a signed-in user's session, as the auth middleware sets it (only its id matters here)
    app.use((req, _res, next) => {
      const s = req.get('x-test-session');
      if (s) (req as { principal?: unknown }).principal = { kind: 'user', session: { id: s } };
      next();
    });
    const vms = express.Router();
    vms.post('/', async (req, res) => {
      const progress = taskProgress(tasks, req, 'Create VM "x"');
      assert.equal(taskProgress(tasks, req), progress, 'the same callback for the same request');
      progress(1, 2, 'defining');
      res.status(201).json({ uuid: '11111111-2222-4333-8444-555555555555', name: 'x' });
    });
    vms.delete('/:uuid', async (req, _res) => {
      taskProgress(tasks, req)(1, 1, 'removing');
      throw new AppError('VM_STATE_INVALID', 'the VM is running');
    });
    vms.post('/:uuid/import', (req, res) => {
      const task = startTask(tasks, req, { title: 'Import disk' });
      res.status(202).json({ taskId: task.id });
      task.progress(1, 2, 'copying');
      release = () => task.end(new AppError('INSUFFICIENT_SPACE', 'pool full'));
    });
    app.use('/api/v1/vms', vms);
    app.use(((err, _req, res, _next) => {
      const e = err as AppError;
      res.status(e.status).json(e.toBody());
    }) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/vms`;
    close = () => server.close();
  });
  after(async () => {
    close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a request that answers 2xx is an ok task, its target the created VM; the header names it', async () => {
    const res = await fetch(base, { method: 'POST', headers: { 'X-Quantix-Task': 'create-task-0001' } });
    assert.equal(res.status, 201);
    const t = store.get('create-task-0001');
    assert.equal(t?.status, 'ok');
    assert.equal(t?.title, 'Create VM "x"');
    assert.equal(t?.target, 'vm:11111111-2222-4333-8444-555555555555');
    assert.match(t?.user ?? '', /^anonymous@/);
    assert.deepEqual(
      t?.log.map((l) => l.message),
      ['defining'],
    );
  });

  it("live progress carries the id the task got when the caller's was taken, and the answer says it", async () => {
    const headers = { 'X-Quantix-Task': 'taken-task-0001', 'X-Test-Session': 'sess-1' };
    const first = await fetch(base, { method: 'POST', headers });
    assert.equal(first.headers.get('x-quantix-task'), 'taken-task-0001');
    pushed.length = 0;
    const second = await fetch(base, { method: 'POST', headers });
    const id = second.headers.get('x-quantix-task');
    assert.ok(id && id !== 'taken-task-0001', 'a fresh id');
    assert.equal(store.get(id)?.status, 'ok');
    assert.deepEqual(pushed, [
      { session: 'sess-1', progress: { taskId: id, step: 1, total: 2, message: 'defining' } },
    ]);
  });

  it('an error answer is a failed task with its code; the title defaults to method and route', async () => {
    const res = await fetch(`${base}/abc`, { method: 'DELETE' });
    assert.equal(res.status, 409);
    const [t] = store.list({ limit: 1 });
    assert.equal(t?.status, 'failed');
    assert.equal(t?.title, 'DELETE /vms/:uuid');
    assert.equal(t?.target, 'vm:abc');
    assert.deepEqual(t?.error, { code: 'VM_STATE_INVALID', message: 'the VM is running' });
  });

  it('startTask outlives its 202 and ends when told', async () => {
    const res = await fetch(`${base}/abc/import`, { method: 'POST' });
    assert.equal(res.status, 202);
    const { taskId } = (await res.json()) as { taskId: string };
    assert.equal(store.get(taskId)?.status, 'running');
    assert.equal(store.get(taskId)?.progress?.message, 'copying');
    release();
    assert.equal(store.get(taskId)?.status, 'failed');
    assert.equal(store.get(taskId)?.error?.code, 'INSUFFICIENT_SPACE');
  });
});
