import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  type Ack,
  type HostStatus,
  LINK_EKM_BYTES,
  LINK_EKM_LABEL,
  LINK_PATH,
  LinkAuth,
  type LinkHostToHubEvents,
  type LinkHubToHostEvents,
  type LinkRefusal,
  type TelemetrySample,
} from '@quantix/shared';
import {
  ensureCertificate,
  type HostCertificate,
  PinMismatchError,
  secureContextOptions,
  verifyKeyingMaterial,
} from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import pino from 'pino';
import { Server, type Socket } from 'socket.io';
import { createDispatch } from './commands/dispatch.ts';
import { createHubLink, type HostLinkSocket, type HubLink } from './hub-link.ts';
import { attachLinkSession } from './link-session.ts';

type HubSide = Socket<LinkHostToHubEvents, LinkHubToHostEvents>;

const root = tempRoot('qx-hub-link-');
const log = pino({ level: 'silent' });
const HOST_ID = randomUUID();
const HUB_ID = randomUUID();

let hubCert: HostCertificate;
let hostCert: HostCertificate;
let otherCert: HostCertificate;

/**
 * A hub's end of the link, spoken by hand: a socket.io server at LINK_PATH that checks the host's
 * keying-material proof on its own end of the connection and refuses or welcomes as told.
 */
async function fakeHub(cert: HostCertificate, refuse?: LinkRefusal) {
  const server: HttpsServer = createServer(secureContextOptions(cert));
  const io = new Server<LinkHostToHubEvents, LinkHubToHostEvents>(server, {
    path: LINK_PATH,
    transports: ['websocket'],
    pingInterval: 1000,
    pingTimeout: 1000,
  });
  const proofs: Array<{ ok: boolean; spki?: string }> = [];
  const sockets: HubSide[] = [];
  let connections = 0;
  let requests = 0;
  server.on('connection', () => void connections++);
  // engine.io takes the request listeners over; these still count what arrives
  server.prependListener('request', () => void requests++);
  server.prependListener('upgrade', () => void requests++);
  io.use((socket, next) => {
    const auth = LinkAuth.parse(socket.handshake.auth);
    const proof = verifyKeyingMaterial(socket.request.socket as TLSSocket, auth.certificate, auth.signature, {
      label: LINK_EKM_LABEL,
      bytes: LINK_EKM_BYTES,
    });
    proofs.push(proof.ok ? { ok: true, spki: proof.spki } : { ok: false });
    if (refuse) return next(Object.assign(new Error(refuse.message), { data: refuse }));
    next();
  });
  io.on('connection', (socket) => {
    sockets.push(socket);
    socket.emit('hub:welcome', { hubId: HUB_ID, hubName: 'hub-1' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    io,
    proofs,
    sockets,
    connections: () => connections,
    requests: () => requests,
    close: async () => {
      io.close();
      await new Promise((r) => server.close(r));
    },
  };
}

before(async () => {
  const cert = (d: string) =>
    ensureCertificate({ dir: join(root.path, d), hostname: d, organization: 'Quantix test', addresses: [] });
  [hubCert, hostCert, otherCert] = await Promise.all([cert('hub'), cert('host'), cert('other')]);
});

async function until(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const status = (): HostStatus => ({
  at: new Date().toISOString(),
  hostname: 'kvm-1',
  version: '0.1.0',
  hypervisorAvailable: true,
  cpuPercent: null,
  cpuCount: 1,
  memoryTotalBytes: 1,
  memoryUsedBytes: 1,
  vms: { total: 0, running: 0 },
  pools: [],
});

function link(
  url: string,
  spki: string,
  on: Partial<Parameters<typeof createHubLink>[0]['handlers']> = {},
): HubLink {
  return createHubLink({
    target: { hubUrl: url, hubSpki: spki },
    identity: { hostId: HOST_ID, hostname: 'kvm-1', version: '0.1.0', cert: () => hostCert },
    log,
    handlers: {
      established: on.established ?? (() => undefined),
      lost: on.lost ?? (() => undefined),
      refused: on.refused ?? (() => undefined),
      failed: on.failed ?? (() => undefined),
    },
  });
}

describe('a host’s link to a hub', () => {
  it('proves the host’s key on the connection, is welcomed, and comes back after the hub drops it', async () => {
    const hub = await fakeHub(hubCert);
    let established = 0;
    let lost = 0;
    const l = link(hub.url, hubCert.spki, { established: () => void established++, lost: () => void lost++ });
    try {
      l.start();
      await until('the welcome', () => established === 1 && l.socket() !== null);
      assert.deepEqual(hub.proofs, [{ ok: true, spki: hostCert.spki }]);
      assert.ok(hub.requests() > 0, 'a hub with the pinned key does get the upgrade');
      hub.sockets[0]?.disconnect(true);
      await until('lost', () => lost === 1);
      // 1–10 s later (spread: a restarting hub's hosts do not all come back at once), on a new
      // connection with a new proof
      await until('back', () => established === 2, 20_000);
      assert.equal(hub.proofs.length, 2);
      assert.ok(hub.proofs.every((p) => p.ok));
    } finally {
      l.stop();
      await hub.close();
    }
  });

  it('sends nothing to a peer with another key', async () => {
    const impostor = await fakeHub(otherCert);
    const failures: Error[] = [];
    const l = link(impostor.url, hubCert.spki, { failed: (e) => void failures.push(e) });
    try {
      l.start();
      await until('the pin to fail', () => failures.length > 0);
      assert.ok(failures[0] instanceof PinMismatchError, String(failures[0]));
      assert.ok(impostor.connections() > 0, 'the host did reach it');
      assert.equal(impostor.requests(), 0, 'not one request reached it');
      assert.equal(impostor.proofs.length, 0);
      assert.equal(l.socket(), null);
    } finally {
      l.stop();
      await impostor.close();
    }
  });

  it('passes a refusal on, and keeps dialling with backoff', async () => {
    const hub = await fakeHub(hubCert, { code: 'unknown-host', message: 'no host' });
    const refusals: LinkRefusal[] = [];
    const l = link(hub.url, hubCert.spki, { refused: (r) => void refusals.push(r) });
    try {
      l.start();
      await until('two refusals', () => refusals.length >= 2, 5000);
      assert.deepEqual(refusals[0], { code: 'unknown-host', message: 'no host' });
    } finally {
      l.stop();
      await hub.close();
    }
  });
});

describe('a link session', () => {
  let hub: Awaited<ReturnType<typeof fakeHub>>;
  let l: HubLink;
  let hubSide: HubSide;
  const forgotten: string[] = [];
  let watchers = 0;
  const sampleListeners = new Set<(s: TelemetrySample) => void>();
  before(async () => {
    hub = await fakeHub(hubCert);
    let cleanup: (() => void) | null = null;
    l = link(hub.url, hubCert.spki, {
      established: (socket: HostLinkSocket, w) => {
        cleanup = attachLinkSession({
          socket,
          ctx: { hubId: w.hubId, hubName: w.hubName, by: `hub ${w.hubName}` },
          status: { build: status, refreshPools: () => Promise.resolve() },
          sampler: {
            watch: () => {
              watchers++;
              return () => void watchers--;
            },
            onSample: (fn) => {
              sampleListeners.add(fn);
              return () => void sampleListeners.delete(fn);
            },
          },
          dispatch: createDispatch({ 'vms.list': async (_c, ctx) => ({ vms: [], by: ctx.by }) }, log),
          forget: async (reason) => void forgotten.push(reason),
          log,
          statusIntervalMs: 100,
        });
      },
      lost: () => cleanup?.(),
    });
    l.start();
    await until('the link', () => hub.sockets.length === 1);
    hubSide = hub.sockets[0] as HubSide;
  });
  after(async () => {
    l.stop();
    await hub.close();
  });

  it('pushes the status at once and then as a heartbeat', async () => {
    let n = 0;
    hubSide.on('host:status', () => void n++);
    await until('three beats', () => n >= 3, 3000);
  });

  it('runs the hub’s commands as done by the hub, NOT_SUPPORTED for the others', async () => {
    const list = (await hubSide
      .timeout(2000)
      .emitWithAck('hub:command', { type: 'vms.list' })) as Ack<unknown>;
    assert.deepEqual(list, { ok: true, data: { vms: [], by: 'hub hub-1' } });
    const other = (await hubSide
      .timeout(2000)
      .emitWithAck('hub:command', { type: 'pool.remove', name: 'x' })) as Ack<unknown>;
    assert.equal(!other.ok && other.error.code, 'NOT_SUPPORTED');
  });

  it('streams telemetry while watched, as a UI watcher would, and stops when told', async () => {
    const got: TelemetrySample[] = [];
    hubSide.on('host:telemetry', (s) => void got.push(s));
    hubSide.emit('hub:watch', { telemetry: true });
    await until('a watcher', () => watchers === 1 && sampleListeners.size === 1);
    hubSide.emit('hub:watch', { telemetry: true }); // again: still one watcher
    const s = { t: Date.now() } as TelemetrySample;
    for (const fn of sampleListeners) fn(s);
    await until('the sample', () => got.length === 1);
    hubSide.emit('hub:watch', { telemetry: false });
    await until('no watcher', () => watchers === 0 && sampleListeners.size === 0);
  });

  it('acks hub:forget and forgets the hub', async () => {
    const ack = await hubSide.timeout(2000).emitWithAck('hub:forget', { reason: 'removed by admin' });
    assert.deepEqual(ack, { ok: true, data: null });
    await until('forgotten', () => forgotten.length === 1);
    assert.deepEqual(forgotten, ['removed by admin']);
  });
});
