import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolSummary } from '@quantix/shared';
import {
  emptyWizardForm,
  firstInvalidStep,
  GiB,
  isoOptions,
  parseGiB,
  poolNeeds,
  toCreateRequest,
  validateBasics,
  validateBoot,
  validateDisks,
  validateNetwork,
  type WizardContext,
  type WizardForm,
  withCdrom,
} from './wizard-form.ts';

function pool(name: string, availableGiB: number, state: PoolSummary['state'] = 'running'): PoolSummary {
  return {
    uuid: `u-${name}`,
    name,
    type: 'dir',
    state,
    autostart: true,
    capacity: 100 * GiB,
    allocation: (100 - availableGiB) * GiB,
    available: availableGiB * GiB,
    volumes: 0,
    path: `/p/${name}`,
  };
}

const ctx: WizardContext = {
  pools: [pool('fast', 30), pool('big', 500), pool('off', 100, 'inactive')],
  vmNames: ['existing'],
  isos: [{ pool: 'big', volume: 'debian.iso', size: 600 * 1024 * 1024 }],
};

const good: WizardForm = {
  ...emptyWizardForm(),
  name: 'web-1',
  disks: [{ pool: 'fast', sizeGiB: '20', format: 'qcow2' }],
  network: 'network:default',
};

test('sizes parse as positive GiB up to 65536', () => {
  assert.equal(parseGiB('20'), 20);
  assert.equal(parseGiB(' 1.5 '), 1.5);
  assert.equal(parseGiB('0'), null);
  assert.equal(parseGiB('-1'), null);
  assert.equal(parseGiB('1e3'), null);
  assert.equal(parseGiB('65537'), null);
});

test('name, vCPUs and memory follow the host rules', () => {
  assert.deepEqual(validateBasics(good, ctx), {});
  assert.ok(validateBasics({ ...good, name: '' }, ctx).name);
  assert.ok(validateBasics({ ...good, name: 'bad name' }, ctx).name);
  assert.ok(validateBasics({ ...good, name: 'a..b' }, ctx).name);
  assert.match(validateBasics({ ...good, name: 'existing' }, ctx).name ?? '', /already exists/);
  assert.ok(validateBasics({ ...good, vcpus: '0' }, ctx).vcpus);
  assert.ok(validateBasics({ ...good, vcpus: '1.5' }, ctx).vcpus);
  assert.ok(validateBasics({ ...good, memoryMiB: '32' }, ctx).memoryMiB);
});

test('a disk must fit the free space of its pool', () => {
  assert.deepEqual(validateDisks(good, ctx), {});
  const tooBig = validateDisks({ ...good, disks: [{ pool: 'fast', sizeGiB: '31', format: 'raw' }] }, ctx);
  assert.match(tooBig['disk-0-size'] ?? '', /only 30\.0 GiB free/);
});

test('disks in the same pool are summed against its free space', () => {
  const form: WizardForm = {
    ...good,
    disks: [
      { pool: 'fast', sizeGiB: '20', format: 'qcow2' },
      { pool: 'fast', sizeGiB: '15', format: 'qcow2' },
      { pool: 'big', sizeGiB: '15', format: 'qcow2' },
    ],
  };
  assert.equal(poolNeeds(form.disks).get('fast'), 35 * GiB);
  const e = validateDisks(form, ctx);
  assert.match(e['disk-0-size'] ?? '', /need 35\.0 GiB/);
  assert.match(e['disk-1-size'] ?? '', /need 35\.0 GiB/);
  assert.equal(e['disk-2-size'], undefined);
});

test('a disk needs a running pool and a valid size', () => {
  const e = validateDisks(
    {
      ...good,
      disks: [
        { pool: '', sizeGiB: '1', format: 'qcow2' },
        { pool: 'off', sizeGiB: '1', format: 'qcow2' },
        { pool: 'ghost', sizeGiB: 'x', format: 'qcow2' },
      ],
    },
    ctx,
  );
  assert.ok(e['disk-0-pool']);
  assert.match(e['disk-1-pool'] ?? '', /not running/);
  assert.match(e['disk-2-pool'] ?? '', /no pool/);
  assert.ok(e['disk-2-size']);
  assert.ok(validateDisks({ ...good, disks: [] }, ctx).disks);
});

test('network: a libvirt network, a valid bridge, user mode or none', () => {
  assert.deepEqual(validateNetwork(good), {});
  assert.ok(validateNetwork({ ...good, network: '' }).network);
  assert.match(
    validateNetwork({ ...good, network: '' }, { networksLoading: true }).network ?? '',
    /still loading/,
  );
  assert.deepEqual(validateNetwork(good, { networksLoading: true }), {});
  assert.ok(validateNetwork({ ...good, network: 'bridge', bridge: '' }).bridge);
  assert.ok(validateNetwork({ ...good, network: 'bridge', bridge: 'a-very-long-bridge0' }).bridge);
  assert.deepEqual(validateNetwork({ ...good, network: 'bridge', bridge: 'br0' }), {});
  assert.deepEqual(validateNetwork({ ...good, network: 'user' }), {});
});

test('booting from the CD-ROM needs an ISO; choosing one suggests it', () => {
  assert.ok(validateBoot({ ...good, bootOrder: 'cdrom,hd' }).bootOrder);
  const withIso = withCdrom(good, 'big/debian.iso');
  assert.equal(withIso.bootOrder, 'cdrom,hd');
  assert.deepEqual(validateBoot(withIso), {});
  assert.equal(withCdrom(withIso, '').bootOrder, 'hd');
  assert.equal(withCdrom({ ...good, bootOrder: 'network,hd' }, 'big/debian.iso').bootOrder, 'network,hd');
});

test('firstInvalidStep points at the step to fix', () => {
  assert.equal(firstInvalidStep(good, ctx), null);
  assert.equal(firstInvalidStep({ ...good, name: '' }, ctx), 'basics');
  assert.equal(
    firstInvalidStep({ ...good, disks: [{ pool: 'fast', sizeGiB: '99', format: 'raw' }] }, ctx),
    'disks',
  );
  assert.equal(firstInvalidStep({ ...good, cdrom: 'big/gone.iso' }, ctx), 'cdrom');
});

test('ISO options come from every pool, .iso names only', () => {
  const opts = isoOptions({
    big: [
      { name: 'b.ISO', key: 'k1', path: '/p/b.ISO', type: 'file', format: 'raw', capacity: 5, allocation: 5 },
      {
        name: 'disk.qcow2',
        key: 'k2',
        path: '/p/disk.qcow2',
        type: 'file',
        format: 'qcow2',
        capacity: 5,
        allocation: 1,
      },
    ],
    fast: [
      { name: 'a.iso', key: 'k3', path: '/q/a.iso', type: 'file', format: 'iso', capacity: 7, allocation: 7 },
    ],
    off: null,
  });
  assert.deepEqual(
    opts.map((o) => `${o.pool}/${o.volume}`),
    ['fast/a.iso', 'big/b.ISO'],
  );
});

test('the request carries what the form says', () => {
  const req = toCreateRequest({
    ...withCdrom(good, 'big/debian.iso'),
    name: ' web-1 ',
    vcpus: '4',
    memoryMiB: '4096',
    network: 'bridge',
    bridge: 'br0',
    autostart: true,
    description: '  front end ',
  });
  assert.deepEqual(req, {
    name: 'web-1',
    vcpus: 4,
    memoryMiB: 4096,
    disks: [{ pool: 'fast', sizeGiB: 20, format: 'qcow2' }],
    cdrom: { pool: 'big', volume: 'debian.iso' },
    network: { type: 'bridge', name: 'br0' },
    bootOrder: ['cdrom', 'hd'],
    autostart: true,
    description: 'front end',
    // the Linux preset, the wizard's default
    os: 'linux',
    firmware: 'bios',
    secureBoot: false,
    tpm: false,
    diskBus: 'virtio',
    nicModel: 'virtio',
    guestAgent: true,
  });
  const plain = toCreateRequest({ ...good, network: 'none' });
  assert.equal('cdrom' in plain, false);
  assert.equal('description' in plain, false);
  assert.deepEqual(plain.network, { type: 'none' });
  assert.deepEqual(toCreateRequest(good).network, { type: 'network', name: 'default' });
});

test('the request carries a CPU only when one other than the default was picked', () => {
  assert.equal('cpu' in toCreateRequest(good), false, "'' is the host's default: left out");
  assert.deepEqual(toCreateRequest({ ...good, cpu: 'custom:Westmere' }).cpu, {
    mode: 'custom',
    model: 'Westmere',
  });
  assert.deepEqual(toCreateRequest({ ...good, cpu: 'host-passthrough' }).cpu, { mode: 'host-passthrough' });
  assert.equal('cpu' in toCreateRequest({ ...good, cpu: 'custom:bad name' }), false);
});
