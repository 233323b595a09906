import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudInitConfig, VmCreateRequest } from '@quantix/shared';
import {
  cloudInitField,
  diskSourceOf,
  emptyCloudInit,
  imageOptions,
  validateCloudInit,
} from './wizard-cloud-init.ts';
import { emptyWizardForm, poolNeeds, toCreateRequest } from './wizard-form.ts';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bQyq7RrQ8V6r0m3jzB2kYxg3wJkqg1m8N7o1yH5a me@x';

test('an unticked cloud-init step checks nothing and sends nothing', () => {
  const c = { ...emptyCloudInit(), user: 'ROOT!' };
  assert.deepEqual(validateCloudInit(c), {});
  assert.deepEqual(cloudInitField(c), {});
});

test('the step checks what the host would refuse, at the field', () => {
  const e = validateCloudInit({
    ...emptyCloudInit(),
    enabled: true,
    hostname: '-bad',
    user: 'root',
    sshKeys: `${KEY}\nnot a key`,
    network: 'static',
    address: '192.0.2.300/24',
    gateway: 'x',
    dns: '1.1.1.1, nope',
    userData: 'packages: []',
  });
  assert.deepEqual(Object.keys(e).sort(), [
    'ci-address',
    'ci-dns',
    'ci-gateway',
    'ci-hostname',
    'ci-keys',
    'ci-user',
    'ci-userdata',
  ]);
  assert.match(e['ci-keys'] ?? '', /Line 2/);
  assert.ok(validateCloudInit({ ...emptyCloudInit(), enabled: true, password: 'x' })['ci-password']);
});

test('a valid step gives a cloudInit the host’s schema accepts', () => {
  const c = {
    ...emptyCloudInit(),
    enabled: true,
    hostname: 'web1',
    user: 'ops',
    password: 'pw',
    sshKeys: `\n${KEY}\n`,
    network: 'static' as const,
    address: '192.0.2.10/24',
    gateway: '192.0.2.1',
    dns: '192.0.2.53 192.0.2.54',
  };
  assert.deepEqual(validateCloudInit(c), {});
  const field = cloudInitField(c).cloudInit;
  assert.deepEqual(CloudInitConfig.parse(field), field);
  assert.deepEqual(field?.sshKeys, [KEY]);
  assert.deepEqual(field?.network, {
    mode: 'static',
    address: '192.0.2.10/24',
    gateway: '192.0.2.1',
    dns: ['192.0.2.53', '192.0.2.54'],
  });
});

test('disk sources: images from the pools (no ISOs), the request, and no space for an existing volume', () => {
  const vol = (name: string, format: string | null) => ({
    name,
    key: `/p/${name}`,
    path: `/p/${name}`,
    type: 'file',
    format,
    capacity: 2 ** 30,
    allocation: 0,
  });
  assert.deepEqual(
    imageOptions({ fast: [vol('debian.iso', 'iso'), vol('cloud.img', 'qcow2')], slow: null }).map(
      (o) => o.volume,
    ),
    ['cloud.img'],
  );
  assert.deepEqual(diskSourceOf('image:fast/cloud.img'), {
    type: 'image',
    pool: 'fast',
    volume: 'cloud.img',
  });
  assert.equal(diskSourceOf(''), undefined);
  const form = {
    ...emptyWizardForm(),
    name: 'vm1',
    network: 'user',
    disks: [
      { pool: 'fast', sizeGiB: '2', format: 'qcow2' as const, source: 'image:fast/cloud.img' },
      { pool: 'fast', sizeGiB: '5', format: 'qcow2' as const, source: 'volume:fast/data.qcow2' },
    ],
    cloudInit: { ...emptyCloudInit(), enabled: true, sshKeys: KEY },
  };
  assert.equal(poolNeeds(form.disks).get('fast'), 2 * 2 ** 30);
  const req = VmCreateRequest.parse(toCreateRequest(form));
  assert.deepEqual(
    req.disks.map((d) => d.source),
    [
      { type: 'image', pool: 'fast', volume: 'cloud.img' },
      { type: 'volume', pool: 'fast', volume: 'data.qcow2' },
    ],
  );
  assert.deepEqual(req.cloudInit?.sshKeys, [KEY]);
});
