import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type AddHostRequest,
  AppError,
  type DiscoveryReport,
  EventsState,
  HubState,
  type HubHostChanged,
  type StoredHubHost,
} from '@quantix/shared';
import { createEventStore, initialEventsState, openJsonStore } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import pino from 'pino';
import type { HostLinks, HostLive } from '../link/host-links.ts';
import { createLowdbHubStore } from '../store/lowdb-hub-store.ts';
import type { Adoption } from './adoption.service.ts';
import { createHostsService } from './hosts.service.ts';

const root = tempRoot('qx-hosts-service-');
const HOST_A = '0b6f0d4e-3c1a-4a6e-9f3e-2d1c0b9a8f7e';
const HOST_B = '11111111-2222-4333-8444-555555555555';

const inventory = {
  collectedAt: '2026-03-01T12:00:00.000Z',
  hostname: 'node-a',
  managementIp: null,
  cpu: {
    model: 'x',
    vendor: 'x',
    sockets: 1,
    cores: 2,
    threads: 4,
    mhz: 1000,
    virtualization: [],
    kvm: false,
  },
  memory: { total: 1, available: 1, swapTotal: 0, swapFree: 0 },
  disks: [],
  filesystems: [],
  nfsMounts: [],
  networkInterfaces: [],
  gpus: [],
  os: { distro: 'x', release: 'x', kernel: 'x', arch: 'x' },
  libvirt: { version: null, status: 'unavailable' },
  warnings: [],
} satisfies DiscoveryReport;

const record = (hostId: string, over: Partial<StoredHubHost> = {}): StoredHubHost => ({
  hostId,
  hostname: `node-${hostId.slice(0, 4)}`,
  url: 'https://192.0.2.10:8443',
  spki: `sha256:${'ab'.repeat(32)}`,
  version: '0.1.0',
  via: 'token',
  adoptedAt: '2026-03-01T12:00:00.000Z',
  credential: 'sealed:v1:aaaa.bbbb.cccc',
  inventory,
  maintenance: false,
  revokedAt: null,
  lastSeenAt: null,
  ...over,
});

/** A small fake of the link server: records what the service asked of it, in order. */
function fakeLinks(o: { connected?: Set<string>; forget?: (hostId: string) => Promise<void> } = {}) {
  const calls: string[] = [];
  const live = (hostId: string): HostLive => ({
    state: o.connected?.has(hostId) ? 'connected' : 'pending',
    stateReason: null,
    status: null,
    lastSeenAt: o.connected?.has(hostId) ? '2026-03-01T12:05:00.000Z' : null,
  });
  const links: HostLinks = {
    live,
    command: async () => {
      throw new AppError('HOST_NOT_CONNECTED', 'fake');
    },
    forget: async (hostId, reason) => {
      calls.push(`forget ${hostId} ${reason}`);
      await o.forget?.(hostId);
    },
    drop: (hostId) => {
      calls.push(`drop ${hostId}`);
    },
    watch: () => () => undefined,
    onChange: () => () => undefined,
    onLinkUp: () => () => undefined,
    onTelemetry: () => () => undefined,
  };
  return { links, calls };
}

async function setup(opts: { links?: HostLinks; adoption?: Partial<Adoption> } = {}) {
  const dir = await root.fresh();
  const state = await openJsonStore<HubState>({
    file: join(dir, 'hub.json'),
    schema: HubState,
    initial: () => ({
      schema: 1,
      hubId: '22222222-3333-4444-8555-666666666666',
      createdAt: '2026-03-01T12:00:00.000Z',
      users: [],
      hosts: [],
      pools: [],
      enrollments: [],
    }),
  });
  const store = createLowdbHubStore(state);
  const events = createEventStore({
    store: await openJsonStore<EventsState>({
      file: join(dir, 'events.json'),
      schema: EventsState,
      initial: initialEventsState,
    }),
  });
  const adoption: Adoption = {
    preview: async () => assert.fail('not expected'),
    adopt: async () => assert.fail('not expected'),
    ...opts.adoption,
  };
  const hosts = createHostsService({
    store,
    links: opts.links ?? fakeLinks().links,
    adoption,
    events,
    log: pino({ level: 'silent' }),
  });
  const changes: HubHostChanged[] = [];
  hosts.onChange((c) => changes.push(c));
  return { store, events, hosts, changes };
}

const messages = (
  events: ReturnType<typeof createEventStore>,
  category: 'registration' | 'system' | 'security',
) => events.query({ limit: 100, category }).map((e) => `${e.source}: ${e.message}`);

describe('hosts service', () => {
  it('lists records with their live part and never the credential', async () => {
    const { links } = fakeLinks({ connected: new Set([HOST_A]) });
    const { store, hosts } = await setup({ links });
    await store.addHost(record(HOST_A, { lastSeenAt: '2026-03-01T11:00:00.000Z' }));
    await store.addHost(record(HOST_B, { lastSeenAt: '2026-03-01T11:00:00.000Z' }));
    const list = await hosts.list();
    assert.deepEqual(
      list.map((h) => [h.hostId, h.state, h.lastSeenAt]),
      [
        [HOST_A, 'connected', '2026-03-01T12:05:00.000Z'],
        [HOST_B, 'pending', '2026-03-01T11:00:00.000Z'],
      ],
    );
    assert.ok(!JSON.stringify(list).includes('sealed:v1'));
    await assert.rejects(hosts.get('nope'), { code: 'HOST_NOT_FOUND' });
  });

  it('tells a connected host to forget the hub, drops its link, then removes the record', async () => {
    const { links, calls } = fakeLinks({ connected: new Set([HOST_A]) });
    const { store, hosts, events, changes } = await setup({ links });
    await store.addHost(record(HOST_A));
    await hosts.remove(HOST_A, 'admin');
    assert.deepEqual(calls, [`forget ${HOST_A} removed from the hub by admin`, `drop ${HOST_A}`]);
    assert.equal(await store.getHost(HOST_A), null);
    assert.deepEqual(changes, [{ hostId: HOST_A, host: null }]);
    assert.match(
      messages(events, 'registration')[0] ?? '',
      /^admin: .*removed; it was told to forget this hub/,
    );
  });

  it('removes a host whose link went down meanwhile (HOST_NOT_CONNECTED), and one never connected', async () => {
    const { links, calls } = fakeLinks({
      connected: new Set([HOST_A]),
      forget: async () => {
        throw new AppError('HOST_NOT_CONNECTED', 'gone');
      },
    });
    const { store, hosts, events } = await setup({ links });
    await store.addHost(record(HOST_A));
    await store.addHost(record(HOST_B));
    await hosts.remove(HOST_A, 'admin');
    await hosts.remove(HOST_B, 'admin');
    assert.deepEqual(calls, [
      `forget ${HOST_A} removed from the hub by admin`,
      `drop ${HOST_A}`,
      `drop ${HOST_B}`,
    ]);
    assert.deepEqual(await store.listHosts(), []);
    for (const m of messages(events, 'registration')) assert.match(m, /it was not connected/);
  });

  it('keeps the record when the host refuses to forget the hub', async () => {
    const { links, calls } = fakeLinks({
      connected: new Set([HOST_A]),
      forget: async () => {
        throw new AppError('STORAGE_FULL', 'the host disk is full');
      },
    });
    const { store, hosts, changes } = await setup({ links });
    await store.addHost(record(HOST_A));
    await assert.rejects(hosts.remove(HOST_A, 'admin'), { code: 'STORAGE_FULL' });
    assert.ok(await store.getHost(HOST_A));
    assert.deepEqual(calls, [`forget ${HOST_A} removed from the hub by admin`]);
    assert.deepEqual(changes, []);
  });

  it('records maintenance changes (only real ones) and tells every change', async () => {
    const { store, hosts, events, changes } = await setup();
    await store.addHost(record(HOST_A));
    assert.equal((await hosts.setMaintenance(HOST_A, true, 'admin')).maintenance, true);
    await hosts.setMaintenance(HOST_A, true, 'admin');
    await hosts.setMaintenance(HOST_A, false, 'ops');
    assert.deepEqual(messages(events, 'system'), [
      'ops: Host "node-0b6f" taken out of maintenance',
      'admin: Host "node-0b6f" put in maintenance',
    ]);
    assert.deepEqual(
      changes.map((c) => c.host?.maintenance),
      [true, true, false],
    );
    await assert.rejects(hosts.setMaintenance(HOST_B, true, 'admin'), { code: 'HOST_NOT_FOUND' });
  });

  it('re-pairing replaces the record, drops the old link, and tells the old id gone when it changed', async () => {
    const { links, calls } = fakeLinks();
    let seen: { replacing?: string } | undefined;
    const fresh = record(HOST_B, { spki: `sha256:${'cd'.repeat(32)}` });
    const { store, hosts, events, changes } = await setup({
      links,
      adoption: {
        adopt: async (_req: AddHostRequest, opts?: { replacing?: string }) => {
          seen = opts;
          return { host: await store.replaceHost(HOST_A, fresh), tokenId: 'abc123' };
        },
      },
    });
    await store.addHost(record(HOST_A, { maintenance: true }));
    const after = await hosts.repair(HOST_A, { target: 'qx1.x' }, 'admin');
    assert.deepEqual(seen, { replacing: HOST_A });
    assert.equal(after.hostId, HOST_B);
    assert.equal(after.maintenance, true);
    assert.deepEqual(calls, [`drop ${HOST_A}`]);
    assert.deepEqual(
      changes.map((c) => [c.hostId, c.host?.hostId ?? null]),
      [
        [HOST_A, null],
        [HOST_B, HOST_B],
      ],
    );
    assert.match(messages(events, 'registration')[0] ?? '', /re-paired .* certificate key changed/);
    await assert.rejects(hosts.repair(HOST_A, { target: 'qx1.x' }, 'admin'), { code: 'HOST_NOT_FOUND' });
  });

  it('a refused identity is a security event; other failures are not', async () => {
    let code: 'HOST_IDENTITY_MISMATCH' | 'TOKEN_EXPIRED' = 'HOST_IDENTITY_MISMATCH';
    const { hosts, events } = await setup({
      adoption: {
        adopt: async () => {
          throw new AppError(code, 'refused', {
            details: { phase: 'identity', hostUrl: 'https://192.0.2.10:8443' },
          });
        },
      },
    });
    await assert.rejects(hosts.add({ target: 'qx1.x' }, 'admin'), { code: 'HOST_IDENTITY_MISMATCH' });
    code = 'TOKEN_EXPIRED';
    await assert.rejects(hosts.add({ target: 'qx1.x' }, 'admin'), { code: 'TOKEN_EXPIRED' });
    assert.deepEqual(messages(events, 'security'), [
      'admin: Adding a host at https://192.0.2.10:8443 refused: refused',
    ]);
    assert.deepEqual(messages(events, 'registration'), []);
  });
});
