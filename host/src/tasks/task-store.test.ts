import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TasksState } from '@quantix/shared';
import { mountSmallDisk } from '@quantix/shared/server/testing';
import { appendLog, FLUSH_MS, LOG_HEAD, MAX_LOG_LINES, MAX_TASKS, openTaskStore } from './task-store.ts';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qxtask-store-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});
const fresh = async () => join(await mkdtemp(join(root, 'd-')), 'tasks.json');
const onDisk = async (file: string) => TasksState.parse(JSON.parse(await readFile(file, 'utf8')));
const task = { title: 'Create VM "a"', target: null, user: 'user:admin@127.0.0.1' };

describe('task store', () => {
  it('records a task from start to end, with its log, and lists newest first by status and target', async () => {
    const file = await fresh();
    const store = await openTaskStore({ file, flushMs: 60_000 });
    const changes: string[] = [];
    store.onChange((t, c) => changes.push(`${t.id}:${c}:${t.status}`));
    const a = store.begin({ ...task, id: 'header-id-0001' });
    assert.equal(a, 'header-id-0001', 'the caller’s id is used');
    store.progress(a, { step: 1, total: 2, message: 'defining' });
    store.progress(a, { step: 1, total: 2, message: 'defining' }); // repeated: one log line
    store.progress(a, { step: 2, total: 2, message: 'starting' });
    store.setTarget(a, 'vm:1234');
    store.finish(a, { ok: true });
    const b = store.begin({ ...task, id: 'header-id-0001', title: 'Delete VM "b"', target: 'vm:9' });
    assert.notEqual(b, a, 'an id already used gets a fresh one');
    store.finish(b, { ok: false, code: 'VM_NOT_FOUND', message: 'no virtual machine 9' });
    store.finish(b, { ok: true }); // ended already: no change

    const full = store.get(a);
    assert.equal(full?.status, 'ok');
    assert.equal(full?.target, 'vm:1234');
    assert.ok(full?.endedAt);
    assert.deepEqual(
      full?.log.map((l) => l.message),
      ['defining', 'starting'],
    );
    assert.deepEqual(full?.progress, { step: 2, total: 2, message: 'starting' });
    const failed = store.get(b);
    assert.equal(failed?.status, 'failed');
    assert.deepEqual(failed?.error, { code: 'VM_NOT_FOUND', message: 'no virtual machine 9' });
    assert.match(failed?.log.at(-1)?.message ?? '', /failed: no virtual machine 9/);

    assert.deepEqual(
      store.list({ limit: 100 }).map((t) => t.id),
      [b, a],
    );
    assert.deepEqual(
      store.list({ limit: 100, status: 'failed' }).map((t) => t.id),
      [b],
    );
    assert.deepEqual(
      store.list({ limit: 100, target: 'vm:1234' }).map((t) => t.id),
      [a],
    );
    assert.equal(store.list({ limit: 1 }).length, 1);
    assert.equal(changes.filter((c) => c.endsWith(':ended:failed')).length, 1);
    await store.close();
    const disk = await onDisk(file);
    assert.deepEqual(
      disk.tasks.map((t) => [t.id, t.status]),
      [
        [a, 'ok'],
        [b, 'failed'],
      ],
    );
  });

  it('writes a start and an end at once, but progress only when the batch is due (or on flush)', async () => {
    const file = await fresh();
    const store = await openTaskStore({ file, flushMs: 60_000 });
    const id = store.begin(task);
    await store.flush();
    const started = await readFile(file, 'utf8');
    assert.equal((await onDisk(file)).tasks[0]?.status, 'running');
    for (let i = 1; i <= 50; i++) store.progress(id, { step: i, total: 100, message: `copying ${i}%` });
    // give the event loop many turns: no write may happen for the progress steps
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(await readFile(file, 'utf8'), started, 'progress did not rewrite the file per step');
    await store.flush();
    assert.equal((await onDisk(file)).tasks[0]?.progress?.step, 50);
    // percentages alone add no log lines; the summary has the newest
    assert.deepEqual(
      store.get(id)?.log.map((l) => l.message),
      ['copying 1%'],
    );
    assert.equal(store.list({ limit: 1 })[0]?.progress?.message, 'copying 50%');
    store.progress(id, { step: 51, total: 100, message: 'Disk 2: copying b.qcow2: 0.5 %' });
    store.progress(id, { step: 52, total: 100, message: 'Disk 2: copying b.qcow2: 7 %' });
    assert.equal(store.get(id)?.log.length, 2, 'a new message is a new line');
    store.finish(id, { ok: true });
    await store.flush();
    assert.equal((await onDisk(file)).tasks[0]?.status, 'ok');
    await store.close();
    // atomic writes leave no temp files behind; the state kit keeps a .bak of the same generation
    const names = (await readdir(join(file, '..'))).sort();
    assert.deepEqual(names, ['tasks.json', 'tasks.json.bak']);
  });

  it('by default writes progress-only changes at most every 15 s: a start at once, progress later', async () => {
    assert.equal(FLUSH_MS, 15_000);
    const file = await fresh();
    const store = await openTaskStore({ file });
    const id = store.begin(task);
    await store.flush();
    for (let i = 1; i <= 10; i++) store.progress(id, { step: i, total: 10, message: `copying ${i * 10}%` });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal((await onDisk(file)).tasks[0]?.progress, null, 'not yet on disk');
    store.finish(id, { ok: true });
    await store.flush();
    const done = (await onDisk(file)).tasks[0];
    assert.equal(done?.status, 'ok');
    assert.equal(done?.progress?.message, 'copying 100%');
    await store.close();
  });

  it('a task left running by a host stop is "interrupted" at the next open, and the list survives', async () => {
    const file = await fresh();
    const first = await openTaskStore({ file, flushMs: 60_000 });
    const done = first.begin({ ...task, title: 'done before' });
    first.finish(done, { ok: true });
    const cut = first.begin({ ...task, title: 'cut short' });
    first.progress(cut, { step: 1, total: 3, message: 'copying the disk' });
    await first.flush();
    // no close(): as after kill -9

    const second = await openTaskStore({ file, flushMs: 60_000 });
    const t = second.get(cut);
    assert.equal(t?.status, 'interrupted');
    assert.equal(t?.endedAt, null);
    assert.match(t?.log.at(-1)?.message ?? '', /host stopped while this task ran/);
    assert.equal(second.get(done)?.status, 'ok');
    // written at once: a third start finds it interrupted too (not running)
    assert.equal((await onDisk(file)).tasks.find((x) => x.id === cut)?.status, 'interrupted');
    // an interrupted task no longer takes progress or an end
    second.finish(cut, { ok: true });
    assert.equal(second.get(cut)?.status, 'interrupted');
    await second.close();
  });

  it('keeps at most MAX_TASKS tasks, dropping the oldest finished ones and never a running one', async () => {
    const file = await fresh();
    const store = await openTaskStore({ file, flushMs: 60_000 });
    const keep = store.begin({ ...task, title: 'long-running' });
    for (let i = 0; i < MAX_TASKS + 20; i++) {
      const id = store.begin({ ...task, title: `t${i}` });
      store.finish(id, { ok: true });
    }
    await store.flush();
    const disk = await onDisk(file);
    assert.equal(disk.tasks.length, MAX_TASKS);
    assert.equal(disk.tasks[0]?.id, keep, 'the running task stays');
    assert.equal(disk.tasks[1]?.title, 't21', 'the oldest finished went first');
    assert.equal(disk.tasks.at(-1)?.title, `t${MAX_TASKS + 19}`);
    await store.close();
  });

  it('caps a task log: its first lines, a count of those left out, and its last lines', () => {
    const log: Array<{ t: string; message: string }> = [];
    for (let i = 0; i < 200; i++) appendLog(log, '2026-01-01T00:00:00.000Z', `line ${i}`);
    assert.equal(log.length, MAX_LOG_LINES);
    assert.equal(log[LOG_HEAD - 1]?.message, `line ${LOG_HEAD - 1}`);
    assert.equal(log[LOG_HEAD]?.message, `… ${200 - MAX_LOG_LINES + 1} lines left out`);
    assert.equal(log.at(-1)?.message, 'line 199');
    appendLog(log, '2026-01-01T00:00:00.000Z', 'x'.repeat(5000));
    assert.ok((log.at(-1)?.message.length ?? 0) <= 300, 'a long message is clipped');
  });

  it('restores a damaged file from its .bak rather than starting empty', async () => {
    const file = await fresh();
    const store = await openTaskStore({ file });
    const id = store.begin(task);
    store.finish(id, { ok: true });
    await store.close();
    await writeFile(file, '{"schema":1,"tasks":[{"trunc');
    const recovered: string[] = [];
    const again = await openTaskStore({ file, onRecovered: (i) => recovered.push(i.reason) });
    assert.equal(again.get(id)?.status, 'ok');
    assert.equal(recovered.length, 1);
    await again.close();
  });

  it('on a full disk keeps the tasks in memory and writes them once there is room again', async () => {
    const disk = mountSmallDisk(256);
    try {
      const file = join(disk.dir, 'tasks.json');
      const faults: string[] = [];
      const store = await openTaskStore({
        file,
        flushMs: 50,
        disk: {
          writeFailed: (err) => {
            faults.push((err as NodeJS.ErrnoException).code ?? '?');
            return true;
          },
          writeSucceeded: () => undefined,
        },
        onWriteError: () => assert.fail('a disk fault is the disk watch’s to report'),
      });
      disk.fill();
      const id = store.begin({ ...task, title: 'x'.repeat(200) });
      store.finish(id, { ok: true });
      await store.flush();
      assert.ok(faults.includes('ENOSPC'), faults.join());
      assert.equal(store.get(id)?.status, 'ok', 'kept in memory');
      disk.free();
      // the retry (every flushMs) writes it; bounded wait
      for (let i = 0; i < 100; i++) {
        const text = await readFile(file, 'utf8').catch(() => '');
        if (text.includes(id)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal((await onDisk(file)).tasks.find((t) => t.id === id)?.status, 'ok');
      await store.close();
    } finally {
      disk.unmount();
    }
  });
});
