import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppError,
  HostVmList,
  PlacementAnswer,
  type StoredHubHost,
  VmDetail,
  VmSummary,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { createPlacementRoutes } from '../placement/placement.routes.ts';
import { createPlacementService } from '../placement/placement.service.ts';
import { errorCode, type Harness, startHarness } from '../pools/api-harness.test-helper.ts';
import {
  emitted,
  type FakeLinks,
  fakeLinks,
  hostStatus,
  openTestEvents,
  openTestStore,
  storedHost,
} from '../pools/hub-fakes.test-helper.ts';
import { createPoolsService } from '../pools/pools.service.ts';
import { createVmsRoutes } from './vms.routes.ts';
import { createVmsService } from './vms.service.ts';
import { vmSummaryFixture } from '@quantix/shared/testing';

const root = tempRoot('qx-hub-vm-routes-');
const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const vmSummary = vmSummaryFixture({ uuid: UUID });

describe('/api/v1/placement and the hub VM routes over HTTP', () => {
  let api: Harness;
  let links: FakeLinks;
  let events: EventStore;
  let big: StoredHubHost;
  let small: StoredHubHost;
  const vm = {
    name: 'web',
    vcpus: 1,
    memoryMiB: 512,
    disks: [{ pool: 'disks', sizeGiB: 1, format: 'qcow2' }],
    network: { type: 'none' },
    bootOrder: ['hd'],
    autostart: false,
  };

  before(async () => {
    const dir = await root.fresh();
    const store = await openTestStore(dir);
    events = await openTestEvents(dir);
    links = fakeLinks((_h, cmd) => {
      switch (cmd.type) {
        case 'pool.apply':
          return { name: cmd.definition.name, state: 'running', capacity: 1, available: 1 };
        case 'vm.create':
          return {
            ...vmSummary,
            cpu: { mode: 'custom', model: 'qemu64' },
            disks: [],
            nics: [],
            graphics: [],
            bootOrder: ['hd'],
            os: { type: 'hvm', arch: null, machine: null },
            description: '',
          };
        case 'vms.list':
          return { vms: [vmSummary] };
        case 'vm.action':
          return { ...vmSummary, state: 'running' };
        default:
          throw new AppError('NOT_SUPPORTED', cmd.type);
      }
    });
    big = storedHost('big');
    small = storedHost('small');
    for (const [h, gib] of [
      [big, 256],
      [small, 16],
    ] as const) {
      await store.addHost(h);
      links.set(h.hostId, 'connected', hostStatus(h.hostname, gib, 4));
    }
    const pools = createPoolsService({ store, links, events, emit: emitted().emit });
    await pools.create({ type: 'dir', name: 'disks', path: '/srv/disks' }, 'alice');
    await pools.assign('disks', small.hostId, 'alice');
    const placement = createPlacementService({ store, links });
    const vms = createVmsService({ store, links, placement, events });
    api = await startHarness(dir, [
      ['/placement', createPlacementRoutes({ placement })],
      ['/', createVmsRoutes({ vms })],
    ]);
  });
  after(async () => {
    await api?.close();
    await events?.flush();
  });

  it('answers placement for the chosen pools, and for none', async () => {
    const withPool = PlacementAnswer.parse((await api.call('GET', '/placement?pools=disks')).json);
    assert.deepEqual(
      withPool.candidates.map((c) => [c.hostname, c.refusals.map((r) => r.reason)]),
      [
        ['small', []],
        ['big', ['pool-not-assigned']],
      ],
    );
    const none = PlacementAnswer.parse((await api.call('GET', '/placement')).json);
    assert.deepEqual(
      none.candidates.map((c) => c.hostname),
      ['big', 'small'],
    );
    assert.equal(errorCode((await api.call('GET', '/placement?pools=a..b')).json), 'VALIDATION_FAILED');
  });

  it('creates a VM on an eligible host and refuses one that is not', async () => {
    const created = await api.call('POST', '/vms', { json: { hostId: small.hostId, vm } });
    assert.equal(created.status, 201);
    assert.equal(VmDetail.parse(created.json).name, 'web');
    const refused = await api.call('POST', '/vms', { json: { hostId: big.hostId, vm } });
    assert.deepEqual([refused.status, errorCode(refused.json)], [409, 'POOL_NOT_ON_HOST']);
    const bad = await api.call('POST', '/vms', { json: { hostId: big.hostId, vm: { ...vm, vcpus: 0 } } });
    assert.deepEqual([bad.status, errorCode(bad.json)], [400, 'VALIDATION_FAILED']);
  });

  it("lists and drives a host's VMs", async () => {
    const list = await api.call('GET', `/hosts/${small.hostId}/vms`);
    assert.deepEqual(
      HostVmList.parse(list.json).vms.map((v) => v.name),
      ['web'],
    );
    const started = await api.call('POST', `/hosts/${small.hostId}/vms/${UUID}/actions/start`);
    assert.equal(VmSummary.parse(started.json).state, 'running');
    const bad = await api.call('POST', `/hosts/${small.hostId}/vms/${UUID}/actions/explode`);
    assert.deepEqual([bad.status, errorCode(bad.json)], [400, 'VALIDATION_FAILED']);
    links.set(small.hostId, 'not-responding');
    const off = await api.call('GET', `/hosts/${small.hostId}/vms`);
    assert.deepEqual([off.status, errorCode(off.json)], [409, 'HOST_NOT_CONNECTED']);
  });
});
