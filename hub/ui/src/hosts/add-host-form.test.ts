import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyAddHostForm, toAddHostRequest, toRepairRequest, validateAddHost } from './add-host-form.ts';

const TOKEN = 'abc123.0123456789abcdef';

test('a join string needs only itself; the request carries it alone', () => {
  const f = { ...emptyAddHostForm(), join: '  qx1.eyJ2IjoxfQ  ' };
  assert.deepEqual(validateAddHost(f), {});
  assert.deepEqual(toAddHostRequest(f), { target: 'qx1.eyJ2IjoxfQ' });
  assert.match(validateAddHost(emptyAddHostForm()).join ?? '', /Paste the join string/);
  assert.match(validateAddHost({ ...f, join: 'https://x' }).join ?? '', /starts with qx1\./);
});

test('a URL needs https and a well-formed token', () => {
  const f = {
    ...emptyAddHostForm(),
    mode: 'url' as const,
    url: 'https://kvm1.example.net:8443/',
    token: TOKEN,
  };
  assert.deepEqual(validateAddHost(f), {});
  assert.deepEqual(toAddHostRequest(f), { target: 'https://kvm1.example.net:8443', token: TOKEN });
  const bad = validateAddHost({ ...f, url: 'http://kvm1:8443', token: 'abc' });
  assert.ok(bad.url);
  assert.ok(bad.token);
  assert.ok(validateAddHost({ ...f, url: 'https://kvm1:8443/path' }).url, 'an origin, not a page');
});

test('re-pairing takes a fresh join string, or a token for the known address', () => {
  assert.deepEqual(toRepairRequest(' qx1.abc ', 'https://kvm1:8443'), { target: 'qx1.abc' });
  assert.deepEqual(toRepairRequest(TOKEN, 'https://kvm1:8443'), {
    target: 'https://kvm1:8443',
    token: TOKEN,
  });
  assert.equal(toRepairRequest('nonsense', 'https://kvm1:8443'), null);
});
