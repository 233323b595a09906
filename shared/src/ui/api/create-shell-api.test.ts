import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientToServerEvents, ServerToClientEvents, SessionInfo } from '@quantix/shared';
import { createStore } from '../store/create-store.ts';
import { initialShellState, type ShellState } from '../store/shell-state.ts';
import type { ApiError } from './api-error.ts';
import { API_BASE, createShellApi } from './create-shell-api.ts';
import type { QxSocket } from './socket-client.ts';

const SESSION: SessionInfo = {
  username: 'admin',
  role: 'admin',
  createdAt: '2025-01-01T00:00:00Z',
  idleTimeoutSeconds: 1800,
};

/** The server's answers by `METHOD path`; anything else is a network failure. */
type Answers = Record<string, { status: number; body: unknown }>;

/** Just enough of a browser window: fetch, timers, location and history. */
function fakeWindow(answers: Answers) {
  const location = { pathname: '/events', search: '', origin: 'https://qx.test' };
  const requests: string[] = [];
  const moveTo = (url: string) => {
    const u = new URL(url, location.origin);
    location.pathname = u.pathname;
    location.search = u.search;
  };
  const w = {
    location,
    fetch: async (url: string, init: RequestInit) => {
      const key = `${init.method} ${url}`;
      requests.push(key);
      const answer = answers[key];
      if (!answer) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'Content-Type': 'application/json' },
      });
    },
    setTimeout: () => 0,
    history: {
      replaceState: (_s: unknown, _t: string, url: string) => moveTo(url),
      pushState: (_s: unknown, _t: string, url: string) => moveTo(url),
    },
    scrollTo: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  return { window: w as unknown as Window, requests };
}

/** Just enough of a socket.io client socket that never connects. */
function fakeSocket() {
  const raw = {
    connected: false,
    active: false,
    connects: 0,
    disconnects: 0,
    on: () => raw,
    off: () => raw,
    connect() {
      raw.connects++;
      return raw;
    },
    disconnect() {
      raw.disconnects++;
      return raw;
    },
    timeout: () => ({ emitWithAck: () => new Promise(() => {}) }),
  };
  return raw;
}

function setup(answers: Answers, peer?: string) {
  const { window, requests } = fakeWindow(answers);
  const raw = fakeSocket();
  const store = createStore<ShellState>(initialShellState({ path: '/events', search: '' }));
  const seen: string[] = [];
  const shell = createShellApi({
    store,
    window,
    socket: raw as unknown as QxSocket<ServerToClientEvents, ClientToServerEvents>,
    routes: [{ name: 'events', pattern: '/events', title: 'Events', auth: true, nav: true }],
    withoutSessionData: (s) => initialShellState(s.location),
    onSignedIn: () => seen.push('signed in'),
    onError: (err: ApiError) => seen.push(err.code),
    peer,
  });
  return { shell, store, raw, seen, requests };
}

const error = (status: number, code: string) => ({ status, body: { error: { code, message: code } } });

test('a full disk: the UI hears of it and the data disk is marked read-only at once', async () => {
  const h = setup({ 'POST /api/v1/files': error(507, 'STORAGE_FULL') });
  await assert.rejects(h.shell.http.post('/files', {}), { code: 'STORAGE_FULL' });
  assert.deepEqual(h.seen, ['STORAGE_FULL']);
  assert.equal(h.store.get().dataDisk?.writable, false);
  assert.equal(h.store.get().dataDisk?.problem, 'full');
});

test('a 401 during a session ends it: socket closed, login page with the page to come back to', async () => {
  const h = setup({
    'POST /api/v1/auth/login': { status: 200, body: SESSION },
    'GET /api/v1/vms': error(401, 'UNAUTHENTICATED'),
  });
  await h.shell.session.login('admin', 'pw');
  assert.deepEqual(h.seen, ['signed in']);
  assert.equal(h.raw.connects, 1);
  await assert.rejects(h.shell.http.get('/vms'), { code: 'UNAUTHENTICATED' });
  assert.equal(h.store.get().session, null);
  assert.equal(h.raw.disconnects, 1);
  assert.deepEqual(h.store.get().location, { path: '/login', search: '?next=%2Fevents' });
  assert.deepEqual(h.seen, ['signed in', 'UNAUTHENTICATED']);
  assert.ok(h.requests.every((r) => r.split(' ')[1]?.startsWith(API_BASE)));
});

test("the peer names who cannot be reached: the host's by default, the hub's when told", async () => {
  const host = setup({});
  await assert.rejects(host.shell.http.get('/x'), {
    code: 'NETWORK_ERROR',
    message: 'Cannot reach the host.',
  });
  const hub = setup({}, 'hub');
  await assert.rejects(hub.shell.http.get('/x'), { code: 'NETWORK_ERROR', message: 'Cannot reach the hub.' });
  assert.deepEqual(hub.seen, ['NETWORK_ERROR']);
});
