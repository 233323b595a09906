import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardRedirect } from '@quantix/shared/ui/router/routes.ts';
import { matchRoute, ROUTES } from './routes.ts';

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

test('the guard works on the host table: unknown pages need a session, login and setup are public', () => {
  const anon = { ready: true, setupRequired: false, authenticated: false };
  assert.equal(guardRedirect('/storage/x', '', anon, ROUTES), '/login?next=%2Fstorage%2Fx');
  assert.equal(guardRedirect('/login', '', anon, ROUTES), null);
  assert.equal(guardRedirect('/nope', '', { ...anon, authenticated: true }, ROUTES), null);
});
