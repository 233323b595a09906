import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardRedirect } from '@quantix/shared/ui/router/routes.ts';
import { matchRoute, ROUTES } from './routes.ts';

test('the hub pages: fleet at home, details light their list', () => {
  assert.equal(matchRoute('/').route.name, 'fleet');
  const host = matchRoute('/hosts/8f1c0a2e-0000-4000-8000-000000000001');
  assert.equal(host.route.name, 'host');
  assert.equal(host.params.hostId, '8f1c0a2e-0000-4000-8000-000000000001');
  assert.equal(host.route.section, 'fleet');
  assert.deepEqual(matchRoute('/pools/nfs-a').params, { name: 'nfs-a' });
  assert.equal(matchRoute('/pools/nfs-a').route.section, 'pools');
  for (const [path, name] of [
    ['/pools', 'pools'],
    ['/vms/new', 'vm-new'],
    ['/enrollment', 'enrollment'],
    ['/events', 'events'],
    ['/login', 'login'],
    ['/setup', 'setup'],
    ['/nope', 'not-found'],
  ] as const) {
    assert.equal(matchRoute(path).route.name, name, path);
  }
});

test('every hub page but login and setup needs a session', () => {
  const anon = { ready: true, setupRequired: false, authenticated: false };
  for (const r of ROUTES) {
    if (r.name === 'login' || r.name === 'setup') continue;
    assert.notEqual(guardRedirect(r.pattern.replace(/:\w+/g, 'x'), '', anon, ROUTES), null, r.name);
  }
  assert.equal(guardRedirect('/login', '', anon, ROUTES), null);
});
