import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError, type HubVmCreateRequest, type StoredHubHost, type VmSummary } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { createPlacementService } from '../placement/placement.service.ts';
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
import type { HubStore } from '../store/hub-store.ts';
import { createVmsService, type VmsService } from './vms.service.ts';
import { vmSummaryFixture } from '@quantix/shared/testing';

const root = tempRoot('qx-hub-vms-');
const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

const summary = (name: string, state: VmSummary['state'] = 'shutoff'): VmSummary =>
  vmSummaryFixture({ uuid: UUID, name, state });

describe('VMs through the hub (lowdb store, fake links)', () => {
  let store: HubStore;
  let events: EventStore;
  let links: FakeLinks;
  let vms: VmsService;
  let ok: StoredHubHost;
  let maint: StoredHubHost;
  let nopool: StoredHubHost;
  const request = (hostId: string, cdrom = true): HubVmCreateRequest => ({
    hostId,
    vm: {
      name: 'web',
      vcpus: 2,
      memoryMiB: 1024,
      disks: [{ pool: 'disks', sizeGiB: 10, format: 'qcow2' }],
      ...(cdrom ? { cdrom: { pool: 'isos', volume: 'debian.iso' } } : {}),
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    },
  });
  const creates = () => links.sent.filter((s) => s.cmd.type === 'vm.create');

  beforeEach(async () => {
    const dir = await root.fresh();
    store = await openTestStore(dir);
    events = await openTestEvents(dir);
    links = fakeLinks((_h, cmd) => {
      switch (cmd.type) {
        case 'pool.apply':
          return { name: cmd.definition.name, state: 'running', capacity: 1, available: 1 };
        case 'vm.create':
          return {
            ...summary(cmd.vm.name),
            cpu: { mode: 'custom', model: 'qemu64' },
            disks: [],
            nics: [],
            graphics: [],
            bootOrder: ['hd'],
            os: { type: 'hvm', arch: 'x86_64', machine: null },
            description: '',
          };
        case 'vms.list':
          return { vms: [summary('web')] };
        case 'vm.action':
          return summary('web', 'running');
        default:
          throw new AppError('NOT_SUPPORTED', cmd.type);
      }
    });
    ok = storedHost('ok');
    maint = storedHost('maint', { maintenance: true });
    nopool = storedHost('nopool');
    for (const h of [ok, maint, nopool]) {
      await store.addHost(h);
      links.set(h.hostId, 'connected', hostStatus(h.hostname, 64, 8));
    }
    const pools = createPoolsService({ store, links, events, emit: emitted().emit });
    await pools.create({ type: 'dir', name: 'disks', path: '/srv/disks' }, 'alice');
    await pools.create({ type: 'dir', name: 'isos', path: '/srv/isos' }, 'alice');
    for (const h of [ok, maint]) {
      await pools.assign('disks', h.hostId, 'alice');
      await pools.assign('isos', h.hostId, 'alice');
    }
    await pools.assign('disks', nopool.hostId, 'alice');
    links.sent.length = 0;
    vms = createVmsService({ store, links, events, placement: createPlacementService({ store, links }) });
  });
  afterEach(() => events.flush());

  it('creates the VM on an eligible host and answers its VmDetail', async () => {
    const vm = await vms.create(request(ok.hostId), 'alice');
    assert.equal(vm.name, 'web');
    assert.deepEqual(creates(), [
      { hostId: ok.hostId, cmd: { type: 'vm.create', vm: request(ok.hostId).vm } },
    ]);
    const e = events.query({ limit: 10 }).find((x) => x.category === 'vm');
    assert.equal(e?.source, 'alice');
    assert.match(e?.message ?? '', /VM "web" created on ok/);
  });

  it("refuses with the chosen host's first refusal, sending nothing", async () => {
    await assert.rejects(vms.create(request(maint.hostId), 'alice'), { code: 'HOST_IN_MAINTENANCE' });
    await assert.rejects(vms.create(request(nopool.hostId), 'alice'), {
      code: 'POOL_NOT_ON_HOST',
      message: /"isos" is not assigned to nopool/,
    });
    links.set(ok.hostId, 'not-responding');
    await assert.rejects(vms.create(request(ok.hostId), 'alice'), { code: 'HOST_NOT_CONNECTED' });
    await assert.rejects(vms.create(request('00000000-0000-4000-8000-000000000000'), 'alice'), {
      code: 'HOST_NOT_FOUND',
    });
    assert.deepEqual(creates(), []);
  });

  it('refuses a pool that is not active on the chosen host', async () => {
    await store.setAssignment('disks', {
      hostId: nopool.hostId,
      state: 'error',
      message: 'mount failed',
      changedAt: new Date().toISOString(),
    });
    await assert.rejects(vms.create(request(nopool.hostId, false), 'alice'), {
      code: 'POOL_NOT_ON_HOST',
      message: /"disks" is error on nopool: mount failed/,
    });
  });

  it("passes the host's refusal on", async () => {
    links.answer = () => {
      throw new AppError('INSUFFICIENT_SPACE', 'the disks need 10.0 GiB in pool "disks"');
    };
    await assert.rejects(vms.create(request(ok.hostId), 'alice'), { code: 'INSUFFICIENT_SPACE' });
  });

  it("lists a host's VMs and drives them, parsing what the host answers", async () => {
    assert.deepEqual(await vms.list(ok.hostId), [summary('web')]);
    const started = await vms.action(ok.hostId, UUID, 'start', 'alice');
    assert.equal(started.state, 'running');
    assert.deepEqual(links.sent.at(-1), {
      hostId: ok.hostId,
      cmd: { type: 'vm.action', uuid: UUID, action: 'start' },
    });
    await assert.rejects(vms.list('00000000-0000-4000-8000-000000000000'), { code: 'HOST_NOT_FOUND' });
    links.answer = () => ({ vms: 'many' });
    await assert.rejects(vms.list(ok.hostId), { code: 'INVALID_RESPONSE' });
  });
});
