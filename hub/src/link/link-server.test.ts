import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  type AppError,
  type DiscoveryReport,
  EventsState,
  HubState,
  LINK_EKM_BYTES,
  LINK_EKM_LABEL,
  LINK_PATH,
  type LinkCommand,
  type LinkEnroll,
  type LinkHostToHubEvents,
  type LinkHubToHostEvents,
  LinkRefusal,
  type LinkWelcome,
  type TelemetrySample,
  decodeEnrollment,
} from '@quantix/shared';
import {
  createEventStore,
  ensureCertificate,
  type EventStore,
  guardUpgrades,
  type HostCertificate,
  initialEventsState,
  openJsonStore,
  PinnedAgent,
  secureContextOptions,
  signKeyingMaterial,
  socketIoPathPattern,
} from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import pino from 'pino';
import { Manager, type Socket } from 'socket.io-client';
import { createEnrollmentService } from '../enrollment/enrollment.service.ts';
import type { HubStore } from '../store/hub-store.ts';
import { createLowdbHubStore } from '../store/lowdb-hub-store.ts';
import { createSecretBox, type SecretBox } from '../secrets/secret-box.ts';
import type { ProbeAnswer } from './host-probe.ts';
import { createLinkServer, type LinkServer } from './link-server.ts';

type HostSide = Socket<LinkHubToHostEvents, LinkHostToHubEvents>;

const root = tempRoot('qx-link-server-');
const HUB_NAME = 'hub-test';
const GRACE = 400;

let hubCert: HostCertificate;
let hostCert: HostCertificate;
let otherCert: HostCertificate;
let server: HttpsServer;
let url: string;
let store: HubStore;
let events: EventStore;
let box: SecretBox;
let links: LinkServer;
let hubId: string;
const probeAnswers = new Map<string, ProbeAnswer | null>();
const open: HostSide[] = [];

const inventory: DiscoveryReport = {
  collectedAt: '2026-01-01T00:00:00.000Z',
  hostname: 'kvm-1',
  managementIp: '127.0.0.1',
  cpu: {
    model: 'x',
    vendor: 'y',
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
  os: { distro: 'd', release: 'r', kernel: 'k', arch: 'x86_64' },
  libvirt: { version: null, status: 'unavailable' },
  warnings: [],
};

const sample = (): TelemetrySample => ({
  t: Date.now(),
  interval: 1,
  cpu: { total: 1, user: 1, system: 0, iowait: 0, steal: 0, cores: [1] },
  load: [0, 0, 0],
  memory: { total: 10, available: 5, used: 5 },
  swap: { total: 0, used: 0 },
  disk: { readBps: 0, writeBps: 0 },
  net: { rxBps: 0, txBps: 0, interfaces: [] },
  filesystems: [],
  uptime: 10,
});

before(async () => {
  const cert = (d: string) =>
    ensureCertificate({ dir: join(root.path, d), hostname: d, organization: 'Quantix test', addresses: [] });
  [hubCert, hostCert, otherCert] = await Promise.all([cert('hub'), cert('host'), cert('other')]);
  const state = await openJsonStore({
    file: join(root.path, 'hub.json'),
    schema: HubState,
    initial: () => ({
      schema: 1 as const,
      hubId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      hosts: [],
      pools: [],
      enrollments: [],
    }),
  });
  hubId = state.data.hubId;
  store = createLowdbHubStore(state);
  events = createEventStore({
    store: await openJsonStore({
      file: join(root.path, 'events.json'),
      schema: EventsState,
      initial: initialEventsState,
    }),
  });
  box = createSecretBox(randomBytes(32));
  server = createServer(secureContextOptions(hubCert), (_req, res) => res.writeHead(404).end());
  const allowedHosts = { allows: (h: string | undefined) => h?.startsWith('127.0.0.1:') ?? false };
  guardUpgrades({ server, allowedHosts, otherPaths: [socketIoPathPattern(LINK_PATH)] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  links = await createLinkServer({
    server,
    allowedHosts,
    store,
    events,
    log: pino({ level: 'silent' }),
    enrollments: createEnrollmentService({ store, events, publicUrl: () => url, spki: () => hubCert.spki }),
    box,
    probe: async (u) => probeAnswers.get(u) ?? null,
    welcome: () => ({ hubId, hubName: HUB_NAME }),
    timing: {
      graceMs: GRACE,
      tickMs: 50,
      probeEveryMs: 100,
      pingIntervalMs: 1000,
      pingTimeoutMs: 1000,
      forgetAckMs: 1000,
    },
  });
});

after(async () => {
  for (const s of open) s.disconnect();
  links.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/**
 * A host's end, spoken by hand: the hub's key pinned, the certificate `cert` sent, the keying
 * material signed with `signer`'s key. Resolves at the hub's welcome, rejects with its refusal.
 */
function dial(o: {
  hostId: string;
  cert?: HostCertificate;
  signer?: HostCertificate;
  enroll?: LinkEnroll;
}): Promise<{ socket: HostSide; welcome: LinkWelcome }> {
  let verified: TLSSocket | null = null;
  const agent = new PinnedAgent({ spki: hubCert.spki, keepAlive: false, onVerified: (s) => (verified = s) });
  const manager = new Manager(url, {
    path: LINK_PATH,
    transports: ['websocket'],
    reconnection: false,
    agent: agent as unknown as string,
  });
  const cert = o.cert ?? hostCert;
  const socket: HostSide = manager.socket('/', {
    auth: (cb) =>
      cb({
        v: 1,
        hostId: o.hostId,
        hostname: 'kvm-1',
        version: '0.1.0',
        certificate: cert.cert,
        signature: verified
          ? signKeyingMaterial(verified, (o.signer ?? cert).key, {
              label: LINK_EKM_LABEL,
              bytes: LINK_EKM_BYTES,
            })
          : '',
        ...(o.enroll ? { enroll: o.enroll } : {}),
      }),
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('hub:welcome', (welcome) => resolve({ socket, welcome }));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.disconnect();
      reject(LinkRefusal.parse(err.data));
    });
  });
}

async function refusalOf(p: Promise<unknown>): Promise<LinkRefusal['code']> {
  try {
    await p;
  } catch (err) {
    return LinkRefusal.parse(err).code;
  }
  assert.fail('expected the hub to refuse the link');
}

async function until(what: string, pred: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let hostPort = 20_000;
async function enrollOne(hostId: string, cert = hostCert): Promise<{ socket: HostSide; credential: string }> {
  const m = await createEnrollmentService({
    store,
    events,
    publicUrl: () => url,
    spki: () => hubCert.spki,
  }).mint({ maxUses: 1, expiresInHours: 1 }, 'test');
  const p = decodeEnrollment(m.enrollment);
  assert.ok(p);
  const credential = `qxc.abcdefgh.${'A'.repeat(32)}`;
  const { socket, welcome } = await dial({
    hostId,
    cert,
    enroll: { id: p.id, secret: p.secret, credential, url: `https://127.0.0.1:${++hostPort}`, inventory },
  });
  assert.deepEqual(welcome, { hubId, hubName: HUB_NAME });
  return { socket, credential };
}

describe('link server: who may link', () => {
  it('refuses an unknown host, a signature by another key, and a malformed handshake', async () => {
    assert.equal(await refusalOf(dial({ hostId: randomUUID() })), 'unknown-host');
    assert.equal(await refusalOf(dial({ hostId: randomUUID(), signer: otherCert })), 'bad-signature');
    assert.equal(await refusalOf(dial({ hostId: 'not-a-uuid' })), 'invalid');
  });

  it('enrols a host with a good string: pinned to the key it proved, credential sealed, use counted', async () => {
    const hostId = randomUUID();
    const { credential } = await enrollOne(hostId);
    const rec = await store.getHost(hostId);
    assert.ok(rec);
    assert.equal(rec.spki, hostCert.spki);
    assert.equal(rec.via, 'enrollment');
    assert.match(rec.credential, /^sealed:v1:/);
    assert.equal(box.open(rec.credential, rec.hostId), credential);
    assert.ok((await store.listEnrollments()).some((e) => e.uses === 1));
    await until('connected', () => links.live(hostId).state === 'connected');
  });

  it('refuses a used-up or wrong enrolment, and leaves no host behind', async () => {
    const m = await createEnrollmentService({
      store,
      events,
      publicUrl: () => url,
      spki: () => hubCert.spki,
    }).mint({ maxUses: 1, expiresInHours: 1 }, 'test');
    const p = decodeEnrollment(m.enrollment);
    assert.ok(p);
    const enroll = (secret: string): LinkEnroll => ({
      id: p.id,
      secret,
      credential: `qxc.abcdefgh.${'B'.repeat(32)}`,
      url: 'https://127.0.0.1:9',
      inventory,
    });
    const wrong = randomUUID();
    assert.equal(
      await refusalOf(dial({ hostId: wrong, cert: otherCert, enroll: enroll('z'.repeat(32)) })),
      'enrollment-invalid',
    );
    assert.equal(await store.getHost(wrong), null);
    const first = randomUUID();
    await dial({ hostId: first, cert: otherCert, enroll: enroll(p.secret) });
    const second = randomUUID();
    assert.equal(
      await refusalOf(dial({ hostId: second, cert: hostCert, enroll: enroll(p.secret) })),
      'enrollment-expired',
    );
    assert.equal(await store.getHost(second), null);
  });
});

describe('link server: a linked host', () => {
  let hostId: string;
  let host: HostSide;
  before(async () => {
    hostId = randomUUID();
    host = (await enrollOne(hostId)).socket;
  });

  it('keeps the status the host pushes and tells onChange', async () => {
    const changed: string[] = [];
    const off = links.onChange((id) => changed.push(id));
    host.emit('host:status', {
      at: new Date().toISOString(),
      hostname: 'kvm-1',
      version: '0.1.0',
      hypervisorAvailable: true,
      cpuPercent: 12.5,
      cpuCount: 4,
      memoryTotalBytes: 100,
      memoryUsedBytes: 50,
      vms: { total: 2, running: 1 },
      pools: [],
    });
    host.emit('host:status', { nonsense: true } as never); // dropped, logged
    await until('the status', () => links.live(hostId).status?.cpuPercent === 12.5);
    assert.ok(changed.includes(hostId));
    off();
  });

  it('sends commands and answers with the host’s result, its error, or a timeout', async () => {
    host.on('hub:command', (cmd, ack) => {
      if (cmd.type === 'vms.list') ack({ ok: true, data: { vms: [] } });
      else if (cmd.type === 'vm.action')
        ack({ ok: false, error: { code: 'VM_STATE_INVALID', message: 'it is off' } });
      else if (cmd.type === 'pool.usage') ack({ nonsense: 1 } as never);
      // anything else: never answered
    });
    assert.deepEqual(await links.command(hostId, { type: 'vms.list' }), { vms: [] });
    const action: LinkCommand = { type: 'vm.action', uuid: randomUUID(), action: 'shutdown' };
    await assert.rejects(
      links.command(hostId, action),
      (e: AppError) => e.code === 'VM_STATE_INVALID' && /off/.test(e.message),
    );
    await assert.rejects(links.command(hostId, { type: 'pool.usage', name: 'p' }), {
      code: 'INVALID_RESPONSE',
    });
    await assert.rejects(links.command(hostId, { type: 'pool.remove', name: 'p' }, 200), {
      code: 'COMMAND_TIMEOUT',
    });
    await assert.rejects(links.command(randomUUID(), { type: 'vms.list' }), { code: 'HOST_NOT_CONNECTED' });
    await assert.rejects(links.command(hostId, { type: 'vms.list', extra: 1 } as never), {
      code: 'VALIDATION_FAILED',
    });
  });

  it('asks for telemetry only while someone watches, and passes valid samples on', async () => {
    const watches: boolean[] = [];
    host.on('hub:watch', (w) => watches.push(w.telemetry));
    const got: TelemetrySample[] = [];
    const off = links.onTelemetry((id, s) => id === hostId && got.push(s));
    const release = links.watch(hostId);
    const second = links.watch(hostId);
    await until('hub:watch on', () => watches.length === 1);
    host.emit('host:telemetry', sample());
    host.emit('host:telemetry', { t: 'bad' } as never);
    await until('a sample', () => got.length === 1);
    release();
    second();
    await until('hub:watch off', () => watches.length === 2);
    assert.deepEqual(watches, [true, false]);
    host.emit('host:telemetry', sample()); // nobody watches: dropped
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got.length, 1);
    off();
  });

  it('records the host’s events in the hub’s log under the host’s name', async () => {
    host.emit('host:event', {
      id: randomUUID(),
      seq: 7,
      timestamp: new Date().toISOString(),
      level: 'info',
      category: 'vm',
      message: 'VM "web": start',
      source: 'user:admin@10.0.0.1',
    });
    await until('the event', () => events.query({ limit: 20 }).some((e) => e.message === 'VM "web": start'));
    const ev = events.query({ limit: 20 }).find((e) => e.message === 'VM "web": start');
    assert.equal(ev?.source, 'host kvm-1');
    assert.equal(ev?.details?.hostId, hostId);
    assert.equal(ev?.details?.hostSource, 'user:admin@10.0.0.1');
  });

  it('another key claiming the host is refused; once the link is down the host shows cert-changed', async () => {
    assert.equal(await refusalOf(dial({ hostId, cert: otherCert })), 'cert-changed');
    assert.equal(links.live(hostId).state, 'connected', 'the genuine link stays');
    host.disconnect();
    assert.equal(await refusalOf(dial({ hostId, cert: otherCert })), 'cert-changed');
    await until('cert-changed', () => links.live(hostId).state === 'cert-changed');
    assert.match(links.live(hostId).stateReason ?? '', /another key/);
    await assert.rejects(links.command(hostId, { type: 'vms.list' }), { code: 'HOST_NOT_CONNECTED' });
    // the pinned key proves itself again: connected
    host = (await dial({ hostId })).socket;
    await until('connected', () => links.live(hostId).state === 'connected');
  });

  it('a silent host whose address answers with another key becomes cert-changed', async () => {
    const rec = await store.getHost(hostId);
    assert.ok(rec);
    probeAnswers.set(rec.url, { spki: otherCert.spki, hostId: randomUUID() });
    host.disconnect();
    await until('not-responding or cert-changed', () => links.live(hostId).state !== 'connected', GRACE * 10);
    await until('cert-changed by the probe', () => links.live(hostId).state === 'cert-changed', GRACE * 10);
    assert.match(links.live(hostId).stateReason ?? '', /another certificate answers/);
    assert.ok((await store.getHost(hostId))?.lastSeenAt, 'lastSeenAt written when the link went down');
    host = (await dial({ hostId })).socket;
    await until('connected', () => links.live(hostId).state === 'connected');
  });

  it('a host that revokes the hub is disconnected for good, with the reason', async () => {
    const ack = await host.timeout(2000).emitWithAck('host:revoked', { reason: 'decommissioned' });
    assert.deepEqual(ack, { ok: true, data: null });
    host.disconnect();
    assert.equal(links.live(hostId).state, 'disconnected');
    assert.match(links.live(hostId).stateReason ?? '', /revoked this hub.*decommissioned/);
    assert.ok((await store.getHost(hostId))?.revokedAt);
    assert.equal(await refusalOf(dial({ hostId })), 'revoked');
  });
});

describe('link server: forgetting a host', () => {
  it('tells the host, closes its link, and refuses it as removed afterwards', async () => {
    const hostId = randomUUID();
    const { socket } = await enrollOne(hostId);
    const told = new Promise<string>((resolve) =>
      socket.on('hub:forget', (f, ack) => {
        ack({ ok: true, data: null });
        resolve(f.reason);
      }),
    );
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    await links.forget(hostId, 'removed by test');
    assert.equal(await told, 'removed by test');
    await closed;
    await store.removeHost(hostId);
    assert.equal(await refusalOf(dial({ hostId })), 'removed');
    assert.ok(!links.all().some((h) => h.hostId === hostId));
    await assert.rejects(
      links.command(hostId, { type: 'vms.list' }),
      (e: AppError) => e.code === 'HOST_NOT_CONNECTED',
    );
  });
});

describe('link server: each new link', () => {
  it('is told to onLinkUp, also one that replaces a lost link while the host is still connected', async () => {
    const hostId = randomUUID();
    const ups: string[] = [];
    const off = links.onLinkUp((id) => {
      if (id === hostId) ups.push(links.live(id).state);
    });
    const { socket } = await enrollOne(hostId);
    await until('the first link up', () => ups.length === 1);
    socket.disconnect();
    await until('the hub to see it go', async () => {
      try {
        await links.command(hostId, { type: 'vms.list' }, 200);
        return false;
      } catch (err) {
        return (err as AppError).code === 'HOST_NOT_CONNECTED';
      }
    });
    // a quick restart: the state never leaves `connected`, so onChange says nothing of it
    assert.equal(links.live(hostId).state, 'connected');
    await until('the link’s end written', async () => Boolean((await store.getHost(hostId))?.lastSeenAt));
    await dial({ hostId });
    await until('the second link up', () => ups.length === 2);
    assert.deepEqual(ups, ['connected', 'connected']);
    off();
    await events.flush();
  });
});
