import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySharedPoolForm, toDefinition, validateSharedPool } from './shared-pool-form.ts';

test('an NFS pool needs a name, server, export and mount path; options are optional', () => {
  const f = {
    ...emptySharedPoolForm(),
    name: 'iso',
    host: 'nas.example.net',
    exportPath: '/export/iso',
    path: '/mnt/iso',
  };
  assert.deepEqual(validateSharedPool(f), {});
  assert.deepEqual(toDefinition({ ...f, options: ' vers=4.2 ' }), {
    type: 'netfs',
    name: 'iso',
    host: 'nas.example.net',
    exportPath: '/export/iso',
    path: '/mnt/iso',
    options: 'vers=4.2',
  });
  const bad = validateSharedPool({ ...f, name: '-x', host: 'bad host', exportPath: 'rel', options: 'a b' });
  assert.deepEqual(Object.keys(bad).sort(), ['exportPath', 'host', 'name', 'options']);
});

test('a directory pool needs a name and a path only', () => {
  const f = {
    ...emptySharedPoolForm(),
    type: 'dir' as const,
    name: 'shared',
    path: '/srv/shared',
    host: '??',
  };
  assert.deepEqual(validateSharedPool(f), {});
  assert.deepEqual(toDefinition(f), { type: 'dir', name: 'shared', path: '/srv/shared' });
  assert.ok(validateSharedPool({ ...f, path: '/srv/../etc' }).path);
});
