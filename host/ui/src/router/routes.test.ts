import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type GuardInput, guardRedirect, matchPattern, matchRoute, safeNext } from './routes.ts';

test('matchPattern: literals, params, trailing slash', () => {
  assert.deepEqual(matchPattern('/', '/'), {});
  assert.deepEqual(matchPattern('/events', '/events/'), {});
  assert.equal(matchPattern('/events', '/events/x'), null);
  assert.deepEqual(matchPattern('/vms/:id', '/vms/a%20b'), { id: 'a b' });
  assert.equal(matchPattern('/vms/:id', '/vms/%E0%A4%A'), null);
  assert.equal(matchPattern('/about', '/'), null);
});

test('matchRoute finds pages and falls back to not-found', () => {
  assert.equal(matchRoute('/').route.name, 'dashboard');
  assert.equal(matchRoute('/registration').route.name, 'registration');
  assert.equal(matchRoute('/login/').route.name, 'login');
  assert.equal(matchRoute('/nope').route.name, 'not-found');
});

test('virtualization pages: /vms/new is not a VM called "new"', () => {
  assert.equal(matchRoute('/vms').route.name, 'vms');
  assert.equal(matchRoute('/vms/new').route.name, 'vm-new');
  const detail = matchRoute('/vms/8f1c0a2e-0000-4000-8000-000000000001');
  assert.equal(detail.route.name, 'vm-detail');
  assert.equal(detail.params.uuid, '8f1c0a2e-0000-4000-8000-000000000001');
  assert.equal(detail.route.section, 'vms');
  assert.deepEqual(matchRoute('/storage/default-pool').params, { pool: 'default-pool' });
  assert.equal(matchRoute('/storage/default-pool').route.section, 'storage');
  for (const name of ['networks', 'hardware', 'logs'] as const) {
    assert.equal(matchRoute(`/${name}`).route.name, name);
  }
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

test('guard: nothing happens before boot is done', () => {
  assert.equal(guardRedirect('/', '', { ...anon, ready: false }), null);
});

test('guard: setup required sends everything to /setup', () => {
  assert.equal(guardRedirect('/', '', fresh), '/setup');
  assert.equal(guardRedirect('/login', '', fresh), '/setup');
  assert.equal(guardRedirect('/setup', '', fresh), null);
});

test('guard: anonymous users go to login, remembering the page', () => {
  assert.equal(guardRedirect('/', '', anon), '/login');
  assert.equal(guardRedirect('/events', '?x=1', anon), '/login?next=%2Fevents%3Fx%3D1');
  assert.equal(guardRedirect('/login', '', anon), null);
  assert.equal(guardRedirect('/setup', '', anon), '/login');
  assert.equal(guardRedirect('/nope', '', anon), '/login?next=%2Fnope');
});

test('guard: logged-in users leave login and setup', () => {
  assert.equal(guardRedirect('/login', '?next=%2Fabout', user), '/about');
  assert.equal(guardRedirect('/login', '?next=https%3A%2F%2Fevil', user), '/');
  assert.equal(guardRedirect('/setup', '', user), '/');
  assert.equal(guardRedirect('/events', '', user), null);
});
