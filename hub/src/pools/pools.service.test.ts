import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  AppError,
  type FileListing,
  type LinkCommand,
  type SharedPool,
  type SharedPoolDefinition,
  type StoredHubHost,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { tempRoot, rejectsWith } from '@quantix/shared/server/testing';
import type { HubStore } from '../store/hub-store.ts';
import {
  emitted,
  type FakeLinks,
  fakeLinks,
  openTestEvents,
  openTestStore,
  storedHost,
} from './hub-fakes.test-helper.ts';
import { createPoolsService, type PoolsService } from './pools.service.ts';

const root = tempRoot('qx-hub-pools-');
const ISOS: SharedPoolDefinition = { type: 'dir', name: 'isos', path: '/srv/isos' };
const NAS: SharedPoolDefinition = {
  type: 'netfs',
  name: 'nas',
  host: 'nas.example.org',
  exportPath: '/export/vm',
  path: '/mnt/nas',
  options: 'vers=4.2',
};

const running = (name: string) => ({ name, state: 'running', capacity: 100, available: 50 });

describe('shared pools service (lowdb store, fake links)', () => {
  let store: HubStore;
  let events: EventStore;
  let links: FakeLinks;
  let pools: PoolsService;
  let changes: ReturnType<typeof emitted>;
  let h1: StoredHubHost;
  let h2: StoredHubHost;
  /** the VMs each host says use each pool */
  let users: Map<string, string[]>;

  const stateOn = async (name: string, hostId: string) =>
    (await store.getPool(name))?.assignments.find((a) => a.hostId === hostId);
  const sent = (type: LinkCommand['type']) => links.sent.filter((s) => s.cmd.type === type);
  const messages = () => events.query({ limit: 100 }).map((e) => `${e.source}: ${e.message}`);

  beforeEach(async () => {
    const dir = await root.fresh();
    store = await openTestStore(dir);
    events = await openTestEvents(dir);
    users = new Map();
    links = fakeLinks((hostId, cmd) => {
      switch (cmd.type) {
        case 'pool.apply':
          return running(cmd.definition.name);
        case 'pool.usage':
          return { vms: users.get(`${cmd.name}@${hostId}`) ?? [] };
        case 'pool.remove':
          return null;
        default:
          throw new AppError('NOT_SUPPORTED', cmd.type);
      }
    });
    changes = emitted();
    pools = createPoolsService({ store, links, events, emit: changes.emit });
    h1 = storedHost('kvm1');
    h2 = storedHost('kvm2');
    await store.addHost(h1);
    await store.addHost(h2);
  });
  // events are recorded without waiting (the services' way): let the last writes land
  afterEach(() => events.flush());

  describe('definitions', () => {
    it('creates one definition per name, recorded and emitted', async () => {
      const created = await pools.create(NAS, 'alice');
      assert.deepEqual(created.definition, NAS);
      assert.deepEqual(created.assignments, []);
      await rejectsWith(pools.create({ ...ISOS, name: 'nas' }, 'alice'), 'NAME_TAKEN');
      await pools.create(ISOS, 'alice');
      assert.deepEqual(
        (await pools.list()).map((p) => p.definition.name),
        ['nas', 'isos'],
      );
      assert.deepEqual((await pools.get('nas')).definition, NAS);
      await rejectsWith(pools.get('nope'), 'POOL_NOT_FOUND');
      assert.deepEqual(
        changes.calls.map(([n]) => n),
        ['nas', 'isos'],
      );
      assert.ok(
        messages().includes('alice: Shared pool "nas" created (NFS nas.example.org:/export/vm at /mnt/nas)'),
      );
    });

    it('changes a definition only while no host has it, and never its name', async () => {
      await pools.create(ISOS, 'alice');
      const moved = await pools.update('isos', { ...ISOS, path: '/srv/isos2' }, 'alice');
      assert.equal(moved.definition.type === 'dir' && moved.definition.path, '/srv/isos2');
      await rejectsWith(
        pools.update('isos', { ...ISOS, name: 'other' }, 'alice'),
        'VALIDATION_FAILED',
        /renamed/,
      );
      links.set(h1.hostId, 'connected');
      await pools.assign('isos', h1.hostId, 'alice');
      await rejectsWith(pools.update('isos', ISOS, 'alice'), 'POOL_IN_USE');
      await rejectsWith(pools.update('nope', { ...ISOS, name: 'nope' }, 'alice'), 'POOL_NOT_FOUND');
    });

    it('deletes a pool only once no host has it', async () => {
      await pools.create(ISOS, 'alice');
      links.set(h1.hostId, 'connected');
      await pools.assign('isos', h1.hostId, 'alice');
      await rejectsWith(pools.remove('isos', 'alice'), 'POOL_IN_USE');
      await pools.unassign('isos', h1.hostId, 'alice');
      await pools.remove('isos', 'alice');
      assert.deepEqual(await pools.list(), []);
      assert.deepEqual(changes.calls.at(-1), ['isos', null]);
    });
  });

  describe('assign', () => {
    beforeEach(async () => {
      await pools.create(NAS, 'alice');
    });

    it('applies the definition on a connected host and records it active', async () => {
      links.set(h1.hostId, 'connected');
      const pool = await pools.assign('nas', h1.hostId, 'alice');
      assert.deepEqual(sent('pool.apply'), [
        { hostId: h1.hostId, cmd: { type: 'pool.apply', definition: NAS } },
      ]);
      assert.equal(pool.assignments[0]?.state, 'active');
      assert.equal((await stateOn('nas', h1.hostId))?.state, 'active');
      // pending first (one transaction), then the outcome
      const states = changes.calls
        .filter(([n, p]) => n === 'nas' && p?.assignments.length)
        .map(([, p]) => (p as SharedPool).assignments[0]?.state);
      assert.deepEqual(states, ['pending', 'active']);
      assert.ok(messages().includes('alice: Shared pool "nas" assigned to kvm1'));
      assert.ok(messages().includes('alice: Shared pool "nas" is active on kvm1'));
    });

    it("records libvirt's refusal as error, and a pool that does not run as inactive", async () => {
      links.set(h1.hostId, 'connected');
      links.set(h2.hostId, 'connected');
      links.answer = (hostId, cmd) => {
        if (cmd.type !== 'pool.apply') return null;
        if (hostId === h1.hostId) throw new AppError('LIBVIRT_ERROR', 'mount.nfs: Connection timed out');
        return { ...running('nas'), state: 'inactive' };
      };
      await pools.assign('nas', h1.hostId, 'alice');
      await pools.assign('nas', h2.hostId, 'alice');
      assert.deepEqual(await stateOn('nas', h1.hostId), {
        hostId: h1.hostId,
        state: 'error',
        message: 'mount.nfs: Connection timed out',
        changedAt: (await stateOn('nas', h1.hostId))?.changedAt,
      });
      assert.equal((await stateOn('nas', h2.hostId))?.state, 'inactive');
      assert.match((await stateOn('nas', h2.hostId))?.message ?? '', /inactive/);
      const warning = events
        .query({ limit: 100 })
        .find((e) => e.level === 'warning' && /kvm1/.test(e.message));
      assert.match(warning?.message ?? '', /could not be set up on kvm1: mount\.nfs/);
    });

    it('an answer of the wrong shape is an error, not trusted', async () => {
      links.set(h1.hostId, 'connected');
      links.answer = () => ({ name: 'nas', state: 'mounted-ish' });
      await pools.assign('nas', h1.hostId, 'alice');
      assert.equal((await stateOn('nas', h1.hostId))?.state, 'error');
      assert.match((await stateOn('nas', h1.hostId))?.message ?? '', /pool\.apply with something unexpected/);
    });

    it('keeps an offline host pending without sending anything', async () => {
      const pool = await pools.assign('nas', h1.hostId, 'alice');
      assert.equal(pool.assignments[0]?.state, 'pending');
      assert.match(pool.assignments[0]?.message ?? '', /waiting for the host to connect/);
      assert.deepEqual(links.sent, []);
    });

    it('refuses an unknown host or pool', async () => {
      await rejectsWith(
        pools.assign('nas', '00000000-0000-4000-8000-000000000000', 'alice'),
        'HOST_NOT_FOUND',
      );
      await rejectsWith(pools.assign('nope', h1.hostId, 'alice'), 'POOL_NOT_FOUND');
    });
  });

  describe('unassign', () => {
    beforeEach(async () => {
      await pools.create(ISOS, 'alice');
      await pools.create(NAS, 'alice');
      links.set(h1.hostId, 'connected');
    });

    it("is refused while the host's VMs use the pool, naming them", async () => {
      await pools.assign('nas', h1.hostId, 'alice');
      users.set(`nas@${h1.hostId}`, ['db', 'web']);
      await rejectsWith(pools.unassign('nas', h1.hostId, 'alice'), 'POOL_IN_USE', /used on kvm1 by: db, web/);
      assert.equal((await stateOn('nas', h1.hostId))?.state, 'active');
      assert.deepEqual(sent('pool.remove'), []);
    });

    it('is refused while the host is not connected: the hub must not forget a mounted pool', async () => {
      await pools.assign('nas', h1.hostId, 'alice');
      links.set(h1.hostId, 'not-responding');
      await rejectsWith(pools.unassign('nas', h1.hostId, 'alice'), 'HOST_NOT_CONNECTED');
      assert.equal((await stateOn('nas', h1.hostId))?.state, 'active');
    });

    it('removes the pool from the host, then the assignment — also the last pool of the host', async () => {
      await pools.assign('isos', h1.hostId, 'alice');
      await pools.assign('nas', h1.hostId, 'alice');
      await pools.assign('nas', h2.hostId, 'alice'); // offline: pending, untouched below
      const left = await pools.unassign('isos', h1.hostId, 'alice');
      assert.deepEqual(left.assignments, []);
      // nas is now the only pool kvm1 has: it goes all the same
      const last = await pools.unassign('nas', h1.hostId, 'alice');
      assert.deepEqual(
        last.assignments.map((a) => a.hostId),
        [h2.hostId],
      );
      assert.deepEqual(
        sent('pool.remove').map((s) => [s.hostId, s.cmd]),
        [
          [h1.hostId, { type: 'pool.remove', name: 'isos' }],
          [h1.hostId, { type: 'pool.remove', name: 'nas' }],
        ],
      );
      const ofKvm1 = (await pools.list()).flatMap((p) => p.assignments).filter((a) => a.hostId === h1.hostId);
      assert.deepEqual(ofKvm1, []);
      assert.ok(
        messages().includes('alice: Shared pool "nas" removed from kvm1 (its files were left in place)'),
      );
      const states = changes.calls
        .filter(([n]) => n === 'nas')
        .map(([, p]) => p?.assignments.find((a) => a.hostId === h1.hostId)?.state ?? 'gone');
      assert.deepEqual(states.slice(-2), ['removing', 'gone']);
      await rejectsWith(pools.unassign('nas', h1.hostId, 'alice'), 'NOT_FOUND');
    });

    it('puts the assignment back when the host refuses the removal', async () => {
      await pools.assign('nas', h1.hostId, 'alice');
      links.answer = (_h, cmd) => {
        if (cmd.type === 'pool.usage') return { vms: [] };
        throw new AppError('POOL_IN_USE', 'storage pool "nas" has volumes in use by: late');
      };
      await rejectsWith(pools.unassign('nas', h1.hostId, 'alice'), 'POOL_IN_USE', /late/);
      assert.equal((await stateOn('nas', h1.hostId))?.state, 'active');
    });

    it('stays removing when the host goes away in the middle (the reconciler finishes it)', async () => {
      await pools.assign('nas', h1.hostId, 'alice');
      links.answer = (_h, cmd) => {
        if (cmd.type === 'pool.usage') return { vms: [] };
        links.set(h1.hostId, 'not-responding');
        throw new AppError('HOST_NOT_CONNECTED', 'the link went down');
      };
      await rejectsWith(pools.unassign('nas', h1.hostId, 'alice'), 'HOST_NOT_CONNECTED');
      const a = await stateOn('nas', h1.hostId);
      assert.equal(a?.state, 'removing');
      assert.match(a?.message ?? '', /finishes when the host reconnects/);
    });
  });

  describe('files and uploads through a host', () => {
    const listing: FileListing = { pool: 'isos', path: '', entries: [], total: 0, offset: 0, limit: 100 };
    const query = { path: '', offset: 0, limit: 100 };

    beforeEach(async () => {
      await pools.create(ISOS, 'alice');
      links.set(h1.hostId, 'connected');
      links.set(h2.hostId, 'connected');
      await pools.assign('isos', h1.hostId, 'alice');
      await pools.assign('isos', h2.hostId, 'alice');
      links.sent.length = 0;
    });

    it('lists through the host asked for, or a connected one where the pool is active', async () => {
      links.answer = () => listing;
      assert.deepEqual(await pools.files('isos', { ...query, hostId: h2.hostId }), listing);
      assert.deepEqual(links.sent.at(-1), {
        hostId: h2.hostId,
        cmd: { type: 'files.list', pool: 'isos', path: '', offset: 0, limit: 100 },
      });
      links.set(h1.hostId, 'not-responding');
      await pools.files('isos', query);
      assert.equal(links.sent.at(-1)?.hostId, h2.hostId);
      await rejectsWith(pools.files('isos', { ...query, hostId: h1.hostId }), 'HOST_NOT_CONNECTED');
      links.set(h2.hostId, 'not-responding');
      await rejectsWith(pools.files('isos', query), 'HOST_NOT_CONNECTED');
    });

    it('refuses a host without the pool active', async () => {
      await pools.create(NAS, 'alice');
      await rejectsWith(pools.files('nas', query), 'POOL_NOT_ON_HOST', /active on no host/);
      await rejectsWith(
        pools.files('nas', { ...query, hostId: h1.hostId }),
        'POOL_NOT_ON_HOST',
        /not assigned/,
      );
      links.answer = () => {
        throw new AppError('LIBVIRT_ERROR', 'no');
      };
      await pools.assign('nas', h1.hostId, 'alice');
      await rejectsWith(
        pools.files('nas', { ...query, hostId: h1.hostId }),
        'POOL_NOT_ON_HOST',
        /error on kvm1/,
      );
    });

    it("passes the host's refusal on and parses what it answers", async () => {
      links.answer = () => {
        throw new AppError('PATH_OUTSIDE_POOL', 'path is outside the pool: ".."');
      };
      await rejectsWith(pools.files('isos', { ...query, path: '..' }), 'PATH_OUTSIDE_POOL');
      links.answer = () => ({ entries: 'all of them' });
      await rejectsWith(pools.files('isos', query), 'INVALID_RESPONSE');
    });

    /** A host that stores what it is sent, checking the offsets as the real one does. */
    const storingHost = () => {
      const received: Buffer[] = [];
      let size = 0;
      links.answer = (_h, cmd) => {
        switch (cmd.type) {
          case 'upload.open':
            size = cmd.size;
            return { uploadId: 'abcdef0123456789', name: cmd.name.replace(/ /g, '_') };
          case 'upload.chunk': {
            const have = received.reduce((n, b) => n + b.length, 0);
            if (cmd.offset !== have) throw new AppError('VALIDATION_FAILED', 'out of order');
            received.push(Buffer.from(cmd.data));
            return { received: have + cmd.data.byteLength };
          }
          case 'upload.finish':
            return { name: 'debian_12.iso', path: 'debian_12.iso', size };
          default:
            return null;
        }
      };
      return received;
    };

    it('streams an upload in link-sized chunks, in order, and finishes it', async () => {
      const received = storingHost();
      const body = Buffer.alloc(2.5 * 2 ** 20 + 3, 7);
      const pieces = [body.subarray(0, 1000), body.subarray(1000, 2 ** 21), body.subarray(2 ** 21)];
      const result = await pools.upload(
        'isos',
        { hostId: h2.hostId, fileName: 'debian 12.iso', size: body.length, body: Readable.from(pieces) },
        'alice',
      );
      assert.deepEqual(result, { name: 'debian_12.iso', path: 'debian_12.iso', size: body.length });
      const chunks = links.sent.filter((s) => s.cmd.type === 'upload.chunk');
      assert.deepEqual(
        chunks.map((c) => (c.cmd.type === 'upload.chunk' ? [c.cmd.offset, c.cmd.data.byteLength] : [])),
        [
          [0, 2 ** 20],
          [2 ** 20, 2 ** 20],
          [2 ** 21, 0.5 * 2 ** 20 + 3],
        ],
      );
      assert.ok(Buffer.concat(received).equals(body));
      assert.ok(links.sent.every((s) => s.hostId === h2.hostId));
      assert.deepEqual(
        links.sent.map((s) => s.cmd.type),
        ['upload.open', 'upload.chunk', 'upload.chunk', 'upload.chunk', 'upload.finish'],
      );
      assert.ok(
        messages().some((m) =>
          /^alice: "debian_12.iso" \(2\.5 MiB\) uploaded to shared pool "isos" through kvm2$/.test(m),
        ),
      );
    });

    it('refuses other files and sizes over the limit before the host hears of them', async () => {
      storingHost();
      const tiny = createPoolsService({ store, links, events, emit: changes.emit, maxUploadBytes: () => 10 });
      await rejectsWith(
        pools.upload(
          'isos',
          { fileName: 'disk.vmdk', size: 1, body: Readable.from([Buffer.alloc(1)]) },
          'alice',
        ),
        'VALIDATION_FAILED',
        /\.iso/,
      );
      await rejectsWith(
        tiny.upload(
          'isos',
          { fileName: 'x.iso', size: 11, body: Readable.from([Buffer.alloc(11)]) },
          'alice',
        ),
        'UPLOAD_TOO_LARGE',
      );
      assert.deepEqual(links.sent, []);
    });

    it('aborts the upload on the host when the client goes away, sends too much or too little, or stalls', async () => {
      const cases: Array<[string, () => Readable, number, RegExp]> = [
        [
          'client gone',
          () =>
            new Readable({
              read() {
                this.push(Buffer.alloc(1000));
                this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
              },
            }),
          5000,
          /aborted by the client/,
        ],
        ['too long', () => Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000, /longer than/],
        ['too short', () => Readable.from([Buffer.alloc(600)]), 1000, /600 of 1000/],
        ['stalled', () => new Readable({ read() {} }), 1000, /stalled/],
      ];
      const quick = createPoolsService({ store, links, events, emit: changes.emit, uploadIdleMs: 100 });
      for (const [what, body, size, message] of cases) {
        storingHost();
        links.sent.length = 0;
        await rejectsWith(
          quick.upload('isos', { hostId: h1.hostId, fileName: 'x.iso', size, body: body() }, 'alice'),
          'VALIDATION_FAILED',
          message,
        );
        assert.deepEqual(
          links.sent.at(-1)?.cmd,
          { type: 'upload.abort', uploadId: 'abcdef0123456789' },
          what,
        );
      }
      assert.ok(
        messages().some((m) => /Upload of "x.iso" to shared pool "isos" through kvm1 failed/.test(m)),
      );
    });

    it('aborts when the host refuses a chunk, and says why', async () => {
      storingHost();
      const answer = links.answer;
      links.answer = (h, cmd) => {
        if (cmd.type === 'upload.chunk')
          throw new AppError('INSUFFICIENT_SPACE', 'no space left in the pool');
        return answer(h, cmd);
      };
      await rejectsWith(
        pools.upload(
          'isos',
          { fileName: 'x.iso', size: 10, body: Readable.from([Buffer.alloc(10)]) },
          'alice',
        ),
        'INSUFFICIENT_SPACE',
      );
      assert.equal(links.sent.at(-1)?.cmd.type, 'upload.abort');
    });
  });
});
