import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type GuardInput,
  guardRedirect,
  matchPattern,
  matchRoute,
  pageTable,
  type RouteDef,
  SHELL_ROUTES,
  safeNext,
} from './routes.ts';

const ROUTES: readonly RouteDef<'home' | 'events' | 'about'>[] = [
  { name: 'home', pattern: '/', title: 'Home', auth: true, nav: true },
  { name: 'events', pattern: '/events', title: 'Events', auth: true, nav: true },
  { name: 'about', pattern: '/about', title: 'About', auth: true, nav: true },
  ...SHELL_ROUTES,
];

test('matchPattern: literals, params, trailing slash', () => {
  assert.deepEqual(matchPattern('/', '/'), {});
  assert.deepEqual(matchPattern('/events', '/events/'), {});
  assert.equal(matchPattern('/events', '/events/x'), null);
  assert.deepEqual(matchPattern('/vms/:id', '/vms/a%20b'), { id: 'a b' });
  assert.equal(matchPattern('/vms/:id', '/vms/%E0%A4%A'), null);
  assert.equal(matchPattern('/about', '/'), null);
});

test('matchRoute finds pages in the given table and falls back to not-found', () => {
  assert.equal(matchRoute('/', ROUTES).route.name, 'home');
  assert.equal(matchRoute('/login/', ROUTES).route.name, 'login');
  assert.equal(matchRoute('/nope', ROUTES).route.name, 'not-found');
  assert.equal(matchRoute('/nope', ROUTES).route.auth, true, 'an unknown page is not public');
});

test("pageTable: a UI's pages, then the shell's, and the match in that table", () => {
  const table = pageTable<'home' | 'login-help'>([
    { name: 'home', pattern: '/', title: 'Home', auth: true, nav: true },
    { name: 'login-help', pattern: '/login/help', title: 'Help', auth: false, nav: false },
  ]);
  assert.deepEqual(
    table.routes.map((r) => r.name),
    ['home', 'login-help', 'login', 'setup'],
  );
  assert.equal(table.match('/login/help').route.name, 'login-help');
  assert.equal(table.match('/setup/').route.name, 'setup');
  assert.equal(table.match('/nope').route.name, 'not-found');
});

test('safeNext only allows local paths', () => {
  assert.equal(safeNext('/events?level=error'), '/events?level=error');
  assert.equal(safeNext(null), '/');
  assert.equal(safeNext('https://evil.example/'), '/');
  assert.equal(safeNext('//evil.example/'), '/');
  assert.equal(safeNext('/\\evil.example'), '/');
  assert.equal(safeNext('/login'), '/');
  assert.equal(safeNext('/setup'), '/');
});

const anon: GuardInput = { ready: true, setupRequired: false, authenticated: false };
const user: GuardInput = { ready: true, setupRequired: false, authenticated: true };
const fresh: GuardInput = { ready: true, setupRequired: true, authenticated: false };
const guard = (path: string, search: string, input: GuardInput) => guardRedirect(path, search, input, ROUTES);

test('guard: nothing happens before boot is done', () => {
  assert.equal(guard('/', '', { ...anon, ready: false }), null);
});

test('guard: setup required sends everything to /setup', () => {
  assert.equal(guard('/', '', fresh), '/setup');
  assert.equal(guard('/login', '', fresh), '/setup');
  assert.equal(guard('/setup', '', fresh), null);
});

test('guard: anonymous users go to login, remembering the page', () => {
  assert.equal(guard('/', '', anon), '/login');
  assert.equal(guard('/events', '?x=1', anon), '/login?next=%2Fevents%3Fx%3D1');
  assert.equal(guard('/login', '', anon), null);
  assert.equal(guard('/setup', '', anon), '/login');
  assert.equal(guard('/nope', '', anon), '/login?next=%2Fnope');
});

test('guard: logged-in users leave login and setup', () => {
  assert.equal(guard('/login', '?next=%2Fabout', user), '/about');
  assert.equal(guard('/login', '?next=https%3A%2F%2Fevil', user), '/');
  assert.equal(guard('/setup', '', user), '/');
  assert.equal(guard('/events', '', user), null);
});
