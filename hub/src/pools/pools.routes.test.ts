import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AppError,
  FileListing,
  SharedPool,
  SharedPoolList,
  type StoredHubHost,
  UploadResult,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { errorCode, type Harness, startHarness } from './api-harness.test-helper.ts';
import {
  emitted,
  type FakeLinks,
  fakeLinks,
  openTestEvents,
  openTestStore,
  storedHost,
} from './hub-fakes.test-helper.ts';
import { createPoolsRoutes } from './pools.routes.ts';
import { createPoolsService } from './pools.service.ts';

const root = tempRoot('qx-hub-pool-routes-');

describe('/api/v1/pools over HTTP', () => {
  let api: Harness;
  let links: FakeLinks;
  let events: EventStore;
  let host: StoredHubHost;
  let uploaded: Buffer[];
  const changes = emitted();

  before(async () => {
    const dir = await root.fresh();
    const store = await openTestStore(dir);
    events = await openTestEvents(dir);
    uploaded = [];
    links = fakeLinks((_h, cmd) => {
      switch (cmd.type) {
        case 'pool.apply':
          return { name: cmd.definition.name, state: 'running', capacity: 1, available: 1 };
        case 'pool.usage':
          return { vms: [] };
        case 'pool.remove':
        case 'upload.abort':
          return null;
        case 'files.list':
          if (cmd.path === '..') throw new AppError('PATH_OUTSIDE_POOL', 'path is outside the pool: ".."');
          return {
            pool: cmd.pool,
            path: cmd.path,
            entries: [],
            total: 0,
            offset: cmd.offset,
            limit: cmd.limit,
          };
        case 'upload.open':
          return { uploadId: '0123456789abcdef', name: cmd.name };
        case 'upload.chunk':
          uploaded.push(Buffer.from(cmd.data));
          return { received: cmd.offset + cmd.data.byteLength };
        case 'upload.finish': {
          const size = uploaded.reduce((n, b) => n + b.length, 0);
          return { name: 'boot.iso', path: 'boot.iso', size };
        }
        default:
          throw new AppError('NOT_SUPPORTED', cmd.type);
      }
    });
    host = storedHost('kvm1');
    await store.addHost(host);
    links.set(host.hostId, 'connected');
    const pools = createPoolsService({ store, links, events, emit: changes.emit });
    api = await startHarness(dir, [['/pools', createPoolsRoutes({ pools })]]);
  });
  after(async () => {
    await api?.close();
    await events?.flush();
  });

  it('needs a session', async () => {
    const res = await api.call('GET', '/pools', { auth: false });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res.json), 'UNAUTHENTICATED');
  });

  it('creates, reads, changes and refuses definitions', async () => {
    const created = await api.call('POST', '/pools', {
      json: { type: 'dir', name: 'isos', path: '/srv/isos' },
    });
    assert.equal(created.status, 201);
    assert.equal(SharedPool.parse(created.json).definition.name, 'isos');
    const dup = await api.call('POST', '/pools', { json: { type: 'dir', name: 'isos', path: '/srv/x' } });
    assert.deepEqual([dup.status, errorCode(dup.json)], [409, 'NAME_TAKEN']);
    const bad = await api.call('POST', '/pools', { json: { type: 'dir', name: 'x</name>', path: 'rel' } });
    assert.deepEqual([bad.status, errorCode(bad.json)], [400, 'VALIDATION_FAILED']);
    const moved = await api.call('PUT', '/pools/isos', {
      json: { type: 'dir', name: 'isos', path: '/srv/isos2' },
    });
    assert.equal(moved.status, 200);
    const list = SharedPoolList.parse((await api.call('GET', '/pools')).json);
    assert.deepEqual(
      list.pools.map((p) => [p.definition.name, p.definition.type === 'dir' ? p.definition.path : '']),
      [['isos', '/srv/isos2']],
    );
    assert.equal(errorCode((await api.call('GET', '/pools/nope')).json), 'POOL_NOT_FOUND');
    assert.equal(errorCode((await api.call('GET', '/pools/a..b')).json), 'VALIDATION_FAILED');
    const event = events.query({ limit: 10 }).find((e) => /created/.test(e.message));
    assert.equal(event?.source, 'alice');
  });

  it('assigns, browses, uploads, unassigns and deletes', async () => {
    const assigned = await api.call('PUT', `/pools/isos/hosts/${host.hostId}`);
    assert.equal(assigned.status, 200);
    assert.equal(SharedPool.parse(assigned.json).assignments[0]?.state, 'active');
    assert.equal(
      errorCode((await api.call('PUT', '/pools/isos/hosts/not-a-uuid')).json),
      'VALIDATION_FAILED',
    );

    const page = await api.call('GET', `/pools/isos/files?path=sub&offset=1&limit=5&hostId=${host.hostId}`);
    assert.equal(page.status, 200);
    assert.deepEqual(FileListing.parse(page.json), {
      pool: 'isos',
      path: 'sub',
      entries: [],
      total: 0,
      offset: 1,
      limit: 5,
    });
    const out = await api.call('GET', '/pools/isos/files?path=..');
    assert.deepEqual([out.status, errorCode(out.json)], [403, 'PATH_OUTSIDE_POOL']);

    const body = Buffer.alloc(3 * 2 ** 20 + 5, 1);
    const up = await api.call('PUT', '/pools/isos/files/boot.iso', { body });
    assert.equal(up.status, 201, JSON.stringify(up.json));
    assert.deepEqual(UploadResult.parse(up.json), { name: 'boot.iso', path: 'boot.iso', size: body.length });
    assert.ok(Buffer.concat(uploaded).equals(body));
    const json = await api.call('PUT', '/pools/isos/files/boot.iso', { body, type: 'text/plain' });
    assert.deepEqual([json.status, errorCode(json.json)], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const other = await api.call('PUT', '/pools/isos/files/disk.vmdk', { body: Buffer.alloc(10) });
    assert.deepEqual([other.status, errorCode(other.json)], [400, 'VALIDATION_FAILED']);

    assert.equal(errorCode((await api.call('DELETE', '/pools/isos')).json), 'POOL_IN_USE');
    const unassigned = await api.call('DELETE', `/pools/isos/hosts/${host.hostId}`);
    assert.equal(unassigned.status, 200);
    assert.deepEqual(SharedPool.parse(unassigned.json).assignments, []);
    assert.equal((await api.call('DELETE', '/pools/isos')).status, 204);
    assert.deepEqual(changes.calls.at(-1), ['isos', null]);
  });
});
