import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ErrorBody,
  Task,
  type TaskChanged,
  TaskList,
  type TaskProgress,
  TasksState,
  VmDetail,
  VmSummary,
} from '@quantix/shared';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;
const suffix = () => randomBytes(4).toString('hex');

async function waitFor<T>(what: string, get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

// The real host on libvirt's test driver: long requests become tasks in tasks.json, pushed live,
// and a task the host was running when it died is "interrupted" after the restart.
describe('tasks on a real host', () => {
  const data = tempDataDir('qxtask-');
  let host: RunningHost;
  let admin: CookieJar;
  let socket: HostSocket;
  const changed: TaskChanged[] = [];
  const progress: TaskProgress[] = [];
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    socket = openSocket(host, admin);
    socket.on('task:changed', (c) => changed.push(c));
    socket.on('task:progress', (p) => progress.push(p));
    await connected(socket);
  });
  after(async () => {
    socket?.close();
    await host?.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body, ...(headers ? { headers } : {}) });
  const vmRequest = (name: string, sizeGiB = 1) => ({
    name,
    vcpus: 1,
    memoryMiB: 128,
    disks: [{ pool: 'default-pool', sizeGiB, format: 'qcow2' }],
    network: { type: 'none' },
    bootOrder: ['hd'],
    autostart: false,
  });
  let vmUuid = '';
  const taskId = `qxtask${suffix()}abcdef`;

  it('a VM creation is a task: pushed as task:changed to the end, with its log and target', async () => {
    const name = `qxtask-${suffix()}`;
    const res = await api('POST', '/vms', vmRequest(name), { 'X-Quantix-Task': taskId });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    vmUuid = VmDetail.parse(res.json).uuid;

    const ended = await waitFor('task:changed ok', () =>
      changed.find((c) => c.task.id === taskId && c.task.status === 'ok'),
    );
    assert.equal(ended.task.title, `Create VM "${name}"`);
    assert.equal(ended.task.target, `vm:${vmUuid}`);
    assert.match(ended.task.user, /^user:admin@/);
    assert.ok(
      changed.some((c) => c.task.id === taskId && c.task.status === 'running'),
      'the start was pushed',
    );
    assert.ok(
      progress.some((p) => p.taskId === taskId),
      'task:progress still reaches the session that asked',
    );

    const list = TaskList.parse((await api('GET', `/tasks?target=vm:${vmUuid}`)).json);
    assert.deepEqual(
      list.tasks.map((t) => t.id),
      [taskId],
    );
    const full = Task.parse((await api('GET', `/tasks/${taskId}`)).json);
    assert.equal(full.status, 'ok');
    assert.ok(full.endedAt);
    assert.ok(full.log.length > 0, 'the progress messages are the log');
    assert.deepEqual(
      full.log.map((l) => l.message),
      progress.filter((p) => p.taskId === taskId).map((p) => p.message),
    );
  });

  it('a snapshot is a task of its VM, though its service reports no steps', async () => {
    const res = await api('POST', `/vms/${vmUuid}/snapshots`, { name: 'qxtask-s1' });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const list = TaskList.parse((await api('GET', `/tasks?target=vm:${vmUuid}`)).json).tasks;
    assert.deepEqual(
      list.map((t) => [t.title, t.status]),
      [
        ['Snapshot "qxtask-s1"', 'ok'],
        [list[1]?.title, 'ok'],
      ],
    );
  });

  it('a failed operation is a failed task with its code, with or without X-Quantix-Task', async () => {
    const res = await api('POST', '/vms', vmRequest(`qxtask-${suffix()}`, 60000));
    assert.equal(res.status, 409);
    assert.equal(code(res.json), 'INSUFFICIENT_SPACE');
    const failed = TaskList.parse((await api('GET', '/tasks?status=failed')).json).tasks;
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.error?.code, 'INSUFFICIENT_SPACE');
    const full = Task.parse((await api('GET', `/tasks/${failed[0]?.id}`)).json);
    assert.match(full.log.at(-1)?.message ?? '', /^failed: /);
  });

  it('answers 400 for a bad query and 404 for an unknown task', async () => {
    const bad = await api('GET', '/tasks?status=sleeping');
    assert.equal(bad.status, 400);
    assert.equal(code(bad.json), 'VALIDATION_FAILED');
    const missing = await api('GET', '/tasks/nosuchtask0000');
    assert.equal(missing.status, 404);
    assert.equal(code(missing.json), 'NOT_FOUND');
    const anon = await host.api('/api/v1/tasks');
    assert.equal(anon.status, 401);
  });

  it('PUT /vms/:uuid/tags sets the tags (sorted, once each) and refuses bad ones with 400', async () => {
    const ok = await api('PUT', `/vms/${vmUuid}/tags`, { tags: ['web', 'prod', 'web'] });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual(VmSummary.parse(ok.json).tags, ['prod', 'web']);
    const listed = ((await api('GET', '/vms')).json as { vms: unknown[] }).vms
      .map((v) => VmSummary.parse(v))
      .find((v) => v.uuid === vmUuid);
    assert.deepEqual(listed?.tags, ['prod', 'web']);

    for (const body of [{ tags: ['Bad Tag'] }, { tags: 'web' }, { tags: [], extra: 1 }, {}]) {
      const res = await api('PUT', `/vms/${vmUuid}/tags`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(code(res.json), 'VALIDATION_FAILED');
    }
    const many = await api('PUT', `/vms/${vmUuid}/tags`, {
      tags: Array.from({ length: 17 }, (_, i) => `t${i}`),
    });
    assert.equal(many.status, 400);
    const unknown = await api('PUT', '/vms/00000000-0000-4000-8000-000000000000/tags', { tags: ['x'] });
    assert.equal(unknown.status, 404);
    assert.equal(code(unknown.json), 'VM_NOT_FOUND');
    const cleared = await api('PUT', `/vms/${vmUuid}/tags`, { tags: [] });
    assert.deepEqual(VmSummary.parse(cleared.json).tags, []);
  });

  it('after kill -9 with a task running, the restarted host shows it "interrupted" and keeps the list', async () => {
    const before = TaskList.parse((await api('GET', '/tasks')).json).tasks;
    assert.ok(before.length >= 2);
    await host.kill9();
    // the test driver's operations end in milliseconds: put a running task in the file as a host
    // killed in the middle of a long copy would leave it
    const file = join(data.dir, 'tasks.json');
    const state = TasksState.parse(JSON.parse(readFileSync(file, 'utf8')));
    const cutId = `qxtaskcut${suffix()}`;
    state.tasks.push({
      id: cutId,
      title: 'Import disk image',
      target: null,
      user: 'user:admin@127.0.0.1',
      startedAt: new Date().toISOString(),
      endedAt: null,
      status: 'running',
      progress: { step: 1, total: 3, message: 'copying' },
      error: null,
      log: [{ t: new Date().toISOString(), message: 'copying' }],
    });
    writeFileSync(file, JSON.stringify(state));

    host = await startHost({ dataDir: data.dir });
    admin = await login(host);
    const after = TaskList.parse((await api('GET', '/tasks')).json).tasks;
    assert.equal(after.find((t) => t.id === cutId)?.status, 'interrupted');
    for (const t of before) assert.equal(after.find((a) => a.id === t.id)?.status, t.status, t.title);
    const cut = Task.parse((await api('GET', `/tasks/${cutId}`)).json);
    assert.match(cut.log.at(-1)?.message ?? '', /host stopped while this task ran/);
    const onDisk = TasksState.parse(JSON.parse(readFileSync(file, 'utf8')));
    assert.equal(onDisk.tasks.find((t) => t.id === cutId)?.status, 'interrupted', 'written at start-up');
  });
});

/** The admin exists already after a restart: log in again. */
async function login(host: RunningHost): Promise<CookieJar> {
  const jar = new CookieJar();
  const res = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return jar;
}
