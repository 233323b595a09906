import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionInfo } from '@quantix/shared';
import { createStore } from '../store/create-store.ts';
import { idle, initialShellState, type Loadable, type ShellState } from '../store/shell-state.ts';
import { ApiError } from './api-error.ts';
import type { HttpClient } from './http-client.ts';
import type { Navigation } from './navigation.ts';
import { createSessionApi } from './session-api.ts';
import type { ShellSocketClient } from './socket-client.ts';

const SESSION: SessionInfo = {
  username: 'admin',
  role: 'admin',
  createdAt: '2025-01-01T00:00:00Z',
  idleTimeoutSeconds: 1800,
};

type Route = (body: unknown) => unknown;

/** A UI's state: the shell's, plus a secret that must not outlive the session. */
interface TestState extends ShellState {
  readonly token: Loadable<string | null>;
}
const initialState = (location: { path: string; search: string }): TestState => ({
  ...initialShellState(location),
  token: idle(),
});
// the session api keeps the shell's part (boot, setup, notice) itself
const withoutSessionData = (s: TestState): TestState => initialState(s.location);

function harness(routes: Record<string, Route>, path = '/events') {
  const store = createStore<TestState>(initialState({ path, search: '' }));
  const calls: string[] = [];
  const call = async (key: string, body?: unknown) => {
    calls.push(key);
    const route = routes[key];
    if (!route) throw new ApiError('NOT_FOUND', key);
    return route(body);
  };
  const http = {
    get: (p: string) => call(`GET ${p}`),
    post: (p: string, b?: unknown) => call(`POST ${p}`, b),
    del: (p: string) => call(`DELETE ${p}`),
  } as HttpClient;
  const socket = { connects: 0, disconnects: 0 };
  const socketClient = {
    connect: () => socket.connects++,
    disconnect: () => socket.disconnects++,
  } as ShellSocketClient;
  const navigations: string[] = [];
  let enforced = 0;
  const nav: Navigation = {
    navigate: (to) => navigations.push(to),
    enforce: () => enforced++,
    current: () => store.get().location.path,
    start: () => () => {},
    routes: [],
    match: () => ({
      route: { name: 'not-found', pattern: '*', title: '', auth: true, nav: false },
      params: {},
    }),
  };
  let signedIn = 0;
  const timers: Array<() => void> = [];
  const api = createSessionApi({
    http,
    socket: socketClient,
    store,
    nav,
    withoutSessionData,
    onSignedIn: () => signedIn++,
    setTimeout: (fn) => timers.push(fn),
  });
  return {
    api,
    store,
    calls,
    socket,
    navigations,
    timers,
    enforced: () => enforced,
    signedIn: () => signedIn,
  };
}

const fail = (code: ApiError['code']) => () => {
  throw new ApiError(code, code);
};

test('boot: setup required stops before the session check', async () => {
  const h = harness({ 'GET /setup/status': () => ({ setupRequired: true }) });
  await h.api.boot();
  assert.equal(h.store.get().setupRequired, true);
  assert.equal(h.store.get().boot.status, 'ready');
  assert.deepEqual(h.calls, ['GET /setup/status']);
  assert.equal(h.enforced(), 1);
});

test('boot: a valid session connects the socket and loads', async () => {
  const h = harness({
    'GET /setup/status': () => ({ setupRequired: false }),
    'GET /auth/session': () => SESSION,
  });
  await h.api.boot();
  assert.deepEqual(h.store.get().session, SESSION);
  assert.equal(h.socket.connects, 1);
  assert.equal(h.signedIn(), 1);
});

test('boot: 401 is not an error, just no session', async () => {
  const h = harness({
    'GET /setup/status': () => ({ setupRequired: false }),
    'GET /auth/session': fail('UNAUTHENTICATED'),
  });
  await h.api.boot();
  assert.equal(h.store.get().session, null);
  assert.equal(h.store.get().boot.status, 'ready');
  assert.equal(h.socket.connects, 0);
});

test('boot: an unreachable host is shown as a boot failure', async () => {
  const h = harness({ 'GET /setup/status': fail('NETWORK_ERROR') });
  await h.api.boot();
  assert.equal(h.store.get().boot.status, 'failed');
  assert.equal(h.store.get().boot.error?.code, 'NETWORK_ERROR');
});

test('a 401 during a session logs out locally, forgets secrets and remembers the page', async () => {
  const h = harness({ 'POST /auth/login': () => SESSION });
  await h.api.login('admin', 'pw');
  h.store.update((s) => ({ ...s, token: { data: null, loading: true, error: null } }));
  h.api.handleError(new ApiError('UNAUTHENTICATED', 'gone'));
  const s = h.store.get();
  assert.equal(s.session, null);
  assert.equal(s.token.loading, false);
  assert.match(s.notice ?? '', /session has ended/);
  assert.equal(h.socket.disconnects, 1);
  assert.deepEqual(h.navigations, ['/login?next=%2Fevents']);
});

test("the shell's state outlives a session: the boot, and a notice set before a setup switch", async () => {
  const h = harness({
    'GET /setup/status': () => ({ setupRequired: false }),
    'GET /auth/session': () => SESSION,
  });
  await h.api.boot();
  h.store.update((s) => ({ ...s, notice: 'kept', token: { data: 'secret', loading: false, error: null } }));
  h.api.handleError(new ApiError('SETUP_REQUIRED', 'set up'));
  const s = h.store.get();
  assert.equal(s.session, null);
  assert.equal(s.token.data, null);
  assert.equal(s.boot.status, 'ready');
  assert.equal(s.notice, 'kept');
});

test('SETUP_REQUIRED anywhere switches to setup', () => {
  const h = harness({});
  h.api.handleError(new ApiError('SETUP_REQUIRED', 'set up'));
  assert.equal(h.store.get().setupRequired, true);
  assert.equal(h.enforced(), 1);
});

test('session:ended after logout elsewhere does not remember the page', async () => {
  const h = harness({ 'POST /auth/login': () => SESSION });
  await h.api.login('admin', 'pw');
  h.api.sessionEnded({ reason: 'logout' });
  assert.deepEqual(h.navigations, ['/login']);
  assert.equal(h.store.get().notice, 'You were logged out.');
});

test('setup answered SETUP_DONE goes to login with a notice and still reports the error', async () => {
  const h = harness({ 'POST /setup': fail('SETUP_DONE') });
  h.store.update((s) => ({ ...s, setupRequired: true }));
  await assert.rejects(h.api.setup({ code: 'X', username: 'admin', password: 'pppppppppp' }), {
    code: 'SETUP_DONE',
  });
  assert.equal(h.store.get().setupRequired, false);
  assert.match(h.store.get().notice ?? '', /already completed/);
});

test('a refused socket checks the session once at a time and redials if it is still valid', async () => {
  let sessionOk = true;
  const h = harness({
    'POST /auth/login': () => SESSION,
    'GET /auth/session': () => {
      if (!sessionOk) throw new ApiError('UNAUTHENTICATED', 'gone');
      return SESSION;
    },
  });
  await h.api.login('admin', 'pw');
  h.api.connectionRefused();
  h.api.connectionRefused();
  assert.equal(h.timers.length, 1);
  await h.timers[0]?.();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.socket.connects, 2, 'login + redial');
  sessionOk = false;
  h.api.connectionRefused();
  await h.timers[1]?.();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.store.get().session, null);
});

test('session:ended revoked names the server that ended it', async () => {
  const h = harness({ 'POST /auth/login': () => SESSION });
  await h.api.login('admin', 'pw');
  h.api.sessionEnded({ reason: 'revoked' });
  assert.equal(h.store.get().notice, 'Your session was ended on the host. Log in again.');
  assert.deepEqual(h.navigations, ['/login?next=%2Fevents']);
});
