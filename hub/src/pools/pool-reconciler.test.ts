import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError, type LinkCommand, type SharedPoolDefinition, type StoredHubHost } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import type { HubStore } from '../store/hub-store.ts';
import {
  emitted,
  type FakeLinks,
  fakeLinks,
  freshStatus,
  openTestEvents,
  openTestStore,
  storedHost,
} from './hub-fakes.test-helper.ts';
import { createPoolApplier } from './pool-applier.ts';
import { type PoolReconciler, startPoolReconciler } from './pool-reconciler.ts';
import { createPoolsService, type PoolsService } from './pools.service.ts';

const root = tempRoot('qx-hub-reconcile-');
const ISOS: SharedPoolDefinition = { type: 'dir', name: 'isos', path: '/srv/isos' };
const DISKS: SharedPoolDefinition = { type: 'dir', name: 'disks', path: '/srv/disks' };
const quiet = { warn: () => undefined, info: () => undefined };

describe('shared pool reconciler (lowdb store, fake links)', () => {
  let store: HubStore;
  let events: EventStore;
  let links: FakeLinks;
  let pools: PoolsService;
  let reconciler: PoolReconciler | null;
  let host: StoredHubHost;
  /** the pools libvirt has on the fake host */
  let onHost: Set<string>;

  const start = () => {
    reconciler = startPoolReconciler({ store, links, applier: pools.applier, log: quiet });
    return reconciler;
  };
  const stateOf = async (name: string) =>
    (await store.getPool(name))?.assignments.find((a) => a.hostId === host.hostId)?.state ?? 'gone';
  const sent = () =>
    links.sent.map((s) => `${s.cmd.type} ${'name' in s.cmd ? s.cmd.name : definitionName(s.cmd)}`);
  const definitionName = (cmd: LinkCommand) => (cmd.type === 'pool.apply' ? cmd.definition.name : '');

  beforeEach(async () => {
    const dir = await root.fresh();
    store = await openTestStore(dir);
    events = await openTestEvents(dir);
    onHost = new Set();
    links = fakeLinks((_h, cmd) => {
      if (cmd.type === 'pool.apply') {
        onHost.add(cmd.definition.name);
        return { name: cmd.definition.name, state: 'running', capacity: 1, available: 1 };
      }
      if (cmd.type === 'pool.remove') {
        onHost.delete(cmd.name);
        return null;
      }
      if (cmd.type === 'pool.usage') return { vms: [] };
      throw new AppError('NOT_SUPPORTED', cmd.type);
    });
    const deps = { store, links, events, emit: emitted().emit };
    pools = createPoolsService({ ...deps, applier: createPoolApplier(deps) });
    host = storedHost('kvm1');
    await store.addHost(host);
    await pools.create(ISOS, 'alice');
    await pools.create(DISKS, 'alice');
    reconciler = null;
  });
  afterEach(async () => {
    reconciler?.stop();
    await reconciler?.settled();
    await events.flush();
  });

  it('converges a host assigned while offline once it connects', async () => {
    const r = start();
    await pools.assign('isos', host.hostId, 'alice');
    await pools.assign('disks', host.hostId, 'alice');
    assert.equal(await stateOf('isos'), 'pending');
    assert.deepEqual(links.sent, []);
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.equal(await stateOf('isos'), 'active');
    assert.equal(await stateOf('disks'), 'active');
    assert.deepEqual(onHost, new Set(['isos', 'disks']));
    const auto = events
      .query({ limit: 50 })
      .filter((e) => e.source === 'hub')
      .map((e) => e.message);
    assert.ok(auto.includes('Shared pool "isos" is active on kvm1'), auto.join('; '));
  });

  it('re-applies every assigned pool, the active ones too, and only when the link comes up', async () => {
    const r = start();
    links.set(host.hostId, 'connected');
    await pools.assign('isos', host.hostId, 'alice');
    const answer = links.answer;
    links.answer = (h, cmd) => {
      if (cmd.type === 'pool.apply' && cmd.definition.name === 'disks') {
        throw new AppError('LIBVIRT_ERROR', 'cannot open directory /srv/disks');
      }
      return answer(h, cmd);
    };
    await pools.assign('disks', host.hostId, 'alice');
    assert.equal(await stateOf('disks'), 'error');
    links.answer = answer;
    links.sent.length = 0;
    // heartbeats of a connected host change nothing
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.deepEqual(sent(), []);
    const before = (await store.getPool('isos'))?.assignments[0];
    const eventsBefore = events.query({ limit: 100 }).length;
    // the host lost isos meanwhile (an NFS pool that did not autostart at boot): it is applied too
    onHost.delete('isos');
    links.set(host.hostId, 'not-responding');
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.deepEqual(sent(), ['pool.apply isos', 'pool.apply disks']);
    assert.deepEqual(onHost, new Set(['isos', 'disks']));
    assert.equal(await stateOf('disks'), 'active');
    // isos was active and still is: its record is not rewritten, and only disks' change is recorded
    assert.deepEqual((await store.getPool('isos'))?.assignments[0], before);
    await events.flush();
    const all = events.query({ limit: 100 }); // newest first
    const added = all.slice(0, all.length - eventsBefore).map((e) => e.message);
    assert.deepEqual(added, ['Shared pool "disks" is active on kvm1']);
  });

  it('finishes a removal the host went away in the middle of — also of its last pool', async () => {
    const r = start();
    links.set(host.hostId, 'connected');
    await pools.assign('isos', host.hostId, 'alice');
    assert.deepEqual(onHost, new Set(['isos']));
    const answer = links.answer;
    links.answer = (h, cmd) => {
      if (cmd.type !== 'pool.remove') return answer(h, cmd);
      links.set(host.hostId, 'not-responding');
      throw new AppError('HOST_NOT_CONNECTED', 'the link went down');
    };
    await assert.rejects(pools.unassign('isos', host.hostId, 'alice'), { code: 'HOST_NOT_CONNECTED' });
    assert.equal(await stateOf('isos'), 'removing');
    links.answer = answer;
    links.sent.length = 0;
    // isos is the only pool the host has: it must still be unmounted and forgotten
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.deepEqual(sent(), ['pool.remove isos']);
    assert.equal(await stateOf('isos'), 'gone');
    assert.deepEqual(onHost, new Set());
    const ofHost = (await store.listPools())
      .flatMap((p) => p.assignments)
      .filter((a) => a.hostId === host.hostId);
    assert.deepEqual(ofHost, []);
  });

  it('a removal the host refuses on reconnect becomes an error (and is re-applied next time)', async () => {
    const r = start();
    links.set(host.hostId, 'connected');
    await pools.assign('isos', host.hostId, 'alice');
    await pools.applier.setState('isos', host.hostId, 'removing', null);
    const answer = links.answer;
    links.answer = (h, cmd) => {
      if (cmd.type === 'pool.remove')
        throw new AppError('POOL_IN_USE', 'storage pool "isos" has volumes in use by: web');
      return answer(h, cmd);
    };
    links.set(host.hostId, 'not-responding');
    links.set(host.hostId, 'connected');
    await r.settled();
    const a = (await store.getPool('isos'))?.assignments[0];
    assert.equal(a?.state, 'error');
    assert.match(a?.message ?? '', /could not be removed: .*web/);
    links.answer = answer;
    links.set(host.hostId, 'not-responding');
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.equal(await stateOf('isos'), 'active');
  });

  it('converges hosts that were connected before it started', async () => {
    await pools.assign('isos', host.hostId, 'alice');
    links.set(host.hostId, 'connected');
    assert.equal(await stateOf('isos'), 'pending');
    const r = start();
    await r.settled();
    assert.equal(await stateOf('isos'), 'active');
  });

  it('converges a host restarted within the grace period: a new link that never left connected', async () => {
    const r = start();
    links.set(host.hostId, 'connected');
    await r.settled();
    // the link dropped; the assignment found the host unreachable and waits for it
    const answer = links.answer;
    links.answer = (h, cmd) => {
      if (cmd.type === 'pool.apply') throw new AppError('HOST_NOT_CONNECTED', 'the link went down');
      return answer(h, cmd);
    };
    await pools.assign('isos', host.hostId, 'alice');
    assert.equal(await stateOf('isos'), 'pending');
    links.answer = answer;
    links.sent.length = 0;
    links.reconnect(host.hostId);
    await r.settled();
    assert.deepEqual(sent(), ['pool.apply isos']);
    assert.equal(await stateOf('isos'), 'active');
  });

  it('waits until the host says libvirt answers, and converges again when libvirt comes back', async () => {
    const r = start();
    await pools.assign('isos', host.hostId, 'alice');
    // a host dials its hubs before it reaches libvirt: nothing is sent while its status says so
    links.set(host.hostId, 'connected', freshStatus(false));
    links.set(host.hostId, 'connected', freshStatus(false));
    await r.settled();
    assert.deepEqual(links.sent, []);
    assert.equal(await stateOf('isos'), 'pending');
    links.set(host.hostId, 'connected', freshStatus(true));
    await r.settled();
    assert.deepEqual(sent(), ['pool.apply isos']);
    assert.equal(await stateOf('isos'), 'active');

    // libvirt went away on a link that stayed up: what failed then is applied when it is back
    const answer = links.answer;
    links.answer = (h, cmd) => {
      if (cmd.type === 'pool.apply') throw new AppError('HYPERVISOR_UNAVAILABLE', 'libvirt is unavailable');
      return answer(h, cmd);
    };
    await pools.assign('disks', host.hostId, 'alice');
    assert.equal(await stateOf('disks'), 'error');
    links.answer = answer;
    links.sent.length = 0;
    links.set(host.hostId, 'connected', freshStatus(false));
    links.set(host.hostId, 'connected', freshStatus(true));
    await r.settled();
    assert.deepEqual(sent(), ['pool.apply isos', 'pool.apply disks']);
    assert.equal(await stateOf('disks'), 'active');
  });

  it('does not take the status held from an earlier link for the new link’s', async () => {
    const r = start();
    links.set(host.hostId, 'connected', freshStatus(true));
    await pools.assign('isos', host.hostId, 'alice');
    assert.equal(await stateOf('isos'), 'active');
    await pools.applier.setState('isos', host.hostId, 'error', 'as it was');
    const held = links.live(host.hostId).status;
    assert.ok(held);
    links.sent.length = 0;
    // a new link, and a change told before its first status: the hub still holds the old one
    links.reconnect(host.hostId, held);
    await r.settled();
    assert.deepEqual(links.sent, [], 'libvirt answered back then; of this link nothing is known yet');
    links.set(host.hostId, 'connected', freshStatus(true));
    await r.settled();
    assert.deepEqual(sent(), ['pool.apply isos']);
  });

  it('stops on stop', async () => {
    const r = start();
    await pools.assign('isos', host.hostId, 'alice');
    r.stop();
    links.set(host.hostId, 'connected');
    await r.settled();
    assert.equal(await stateOf('isos'), 'pending');
    assert.deepEqual(links.sent, []);
  });
});
