import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decodeEnrollment, encodeEnrollment, ErrorBody, EventList, PingResponse } from '@quantix/shared';
import { type RunningHost, runCli, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { ADMIN, type RunningHub, setupHubAdmin, startHub } from '../support/hub-process.ts';
import { hubsOf, linkOf, mintEnrollment, waitFor, waitForLink } from '../support/link-hub.ts';
import { startTlsImpostor } from '../support/link-tls-peer.ts';
import type { RunningServer } from '../support/server-process.ts';
import { rawUpgrade } from './raw-http.ts';

const LINK_UPGRADE = '/api/v1/link/?EIO=4&transport=websocket';

async function hostIdOf(host: RunningHost): Promise<string> {
  return PingResponse.parse((await host.api('/api/v1/registration/ping')).json).hostId;
}

/** A restarted server forgot its sessions: log in again with the same jar. */
async function login(server: RunningServer, jar: CookieJar): Promise<void> {
  const res = await server.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
  assert.equal(res.status, 200, res.text);
}

const joinHub = (host: RunningHost, enrollment: string) =>
  runCli(['join-hub', enrollment, '--data', host.dataDir]);

describe('the live link between hosts and the hub (real processes, self-enrolment)', () => {
  const hubData = tempDataDir('qx-hub-');
  const aData = tempDataDir('qx-host-a-');
  const bData = tempDataDir('qx-host-b-');
  let hub: RunningHub;
  let hubJar: CookieJar;
  let a: RunningHost;
  let b: RunningHost;
  let aJar: CookieJar;
  let bJar: CookieJar;
  let aId: string;
  let bId: string;
  let enrollment: string;
  const stopAll = async () => {
    await Promise.allSettled([a?.stop(), b?.stop(), hub?.stop()]);
  };

  before(async () => {
    hub = await startHub({ dataDir: hubData.dir });
    hubJar = await setupHubAdmin(hub);
    [a, b] = await Promise.all([startHost({ dataDir: aData.dir }), startHost({ dataDir: bData.dir })]);
    [aJar, bJar] = await Promise.all([setupAdmin(a), setupAdmin(b)]);
    [aId, bId] = await Promise.all([hostIdOf(a), hostIdOf(b)]);
  });
  after(async () => {
    await stopAll();
    for (const d of [hubData, aData, bData]) d.remove();
  });

  it('mints a qxh1. string over the API: the hub URL and key, an id and a secret kept only hashed', async () => {
    const anon = await hub.api('/api/v1/enrollments', { method: 'POST', body: {} });
    assert.equal(anon.status, 401);
    const m = await mintEnrollment(hub, hubJar, { maxUses: 2, label: 'rack 1' });
    const payload = decodeEnrollment(m.enrollment);
    assert.ok(payload);
    assert.equal(payload.url, hub.url);
    assert.equal(payload.id, m.id);
    assert.equal(m.uses, 0);
    assert.equal(m.maxUses, 2);
    const list = await hub.api('/api/v1/enrollments', { jar: hubJar });
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(payload.secret), 'the secret is never listed');
    assert.ok(!hub.output().includes(payload.secret), 'nor logged');
    enrollment = m.enrollment;
  });

  it('two hosts join with `quantix-host join-hub` and are connected, with their status', async () => {
    const [ra, rb] = await Promise.all([joinHub(a, enrollment), joinHub(b, enrollment)]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    assert.match(ra.stdout, /^joined hub /m);
    const linkA = await waitForLink(hub, hubJar, aId, 'connected');
    await waitForLink(hub, hubJar, bId, 'connected');
    const withStatus = await waitFor(
      'A’s status on the hub',
      async () => (await linkOf(hub, hubJar, aId))?.status,
    );
    assert.ok(withStatus.memoryTotalBytes > 0);
    assert.equal(withStatus.hypervisorAvailable, true);
    assert.ok(linkA.lastSeenAt);
    assert.equal((await hubsOf(a, aJar)).length, 1);
    // idempotent: the same string again changes nothing
    const again = await joinHub(a, enrollment);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^already joined hub /m);
    assert.equal((await hubsOf(a, aJar)).length, 1);
    const used = await hub.api('/api/v1/enrollments', { jar: hubJar });
    const e = (used.json as { enrollments: Array<{ id: string; uses: number }> }).enrollments.find(
      (x) => x.id === decodeEnrollment(enrollment)?.id,
    );
    assert.equal(e?.uses, 2);
    const events = EventList.parse((await hub.api('/api/v1/events?limit=50', { jar: hubJar })).json).events;
    assert.ok(events.some((ev) => ev.message.includes('joined the hub') && ev.details?.hostId === aId));
  });

  it('host events reach the hub’s event log, named by their host', async () => {
    // a token minted on host B is an event of B's
    const mint = await b.api('/api/v1/registration/tokens', { method: 'POST', jar: bJar });
    assert.equal(mint.status, 201);
    const ev = await waitFor('B’s event on the hub', async () => {
      const list = EventList.parse((await hub.api('/api/v1/events?limit=100', { jar: hubJar })).json).events;
      return list.find((x) => x.details?.hostId === bId && x.message.includes('Registration token'));
    });
    assert.match(ev.source, /^host /);
  });

  it('the link endpoint refuses a browser (any Origin) and names it does not answer to', async () => {
    const withOrigin = await rawUpgrade(hub, LINK_UPGRADE, { origin: hub.origin });
    assert.equal(withOrigin.status, 403, withOrigin.text);
    assert.equal(
      ErrorBody.parse(JSON.parse(withOrigin.text.split('\r\n\r\n')[1] ?? '')).error.code,
      'ORIGIN_FORBIDDEN',
    );
    assert.equal(await withOrigin.closedByServer, true);
    const evilOrigin = await rawUpgrade(hub, LINK_UPGRADE, { origin: 'https://evil.example' });
    assert.equal(evilOrigin.status, 403);
    const badHost = await rawUpgrade(hub, LINK_UPGRADE, { host: 'evil.example' });
    assert.equal(badHost.status, 421);
    // a machine (no Origin) gets the WebSocket; who it is, socket.io's handshake decides
    const machine = await rawUpgrade(hub, LINK_UPGRADE);
    assert.equal(machine.status, 101, machine.text);
    machine.socket.destroy();
  });

  it('kill -9 of a host: not-responding; restarted on its port: connected again without a new token', async () => {
    const port = a.port;
    await a.kill9();
    const down = await waitForLink(hub, hubJar, aId, 'not-responding', 30_000);
    assert.ok(down.stateReason);
    a = await startHost({ dataDir: aData.dir, port });
    await waitForLink(hub, hubJar, aId, 'connected', 15_000);
    await login(a, aJar);
    assert.equal((await hubsOf(a, aJar)).length, 1);
    const events = EventList.parse((await hub.api('/api/v1/events?limit=100', { jar: hubJar })).json).events;
    assert.ok(events.some((e) => /not responding/.test(e.message) && e.details?.hostId === aId));
    assert.ok(events.some((e) => /connected again/.test(e.message) && e.details?.hostId === aId));
  });

  it('a restarted hub gets both hosts back', async () => {
    const port = hub.port;
    await hub.stop();
    hub = await startHub({ dataDir: hubData.dir, port });
    await login(hub, hubJar);
    await waitForLink(hub, hubJar, aId, 'connected', 45_000);
    await waitForLink(hub, hubJar, bId, 'connected', 45_000);
  });

  it('revoking the hub on a host: the hub shows it disconnected, with the reason', async () => {
    const [hubRec] = await hubsOf(b, bJar);
    assert.ok(hubRec);
    const del = await b.api(`/api/v1/registration/hubs/${hubRec.hubId}`, { method: 'DELETE', jar: bJar });
    assert.equal(del.status, 204);
    const l = await waitForLink(hub, hubJar, bId, 'disconnected', 10_000);
    assert.match(l.stateReason ?? '', /revoked/);
    assert.deepEqual(await hubsOf(b, bJar), []);
  });

  it('a revoked host joins again with its string (not counted twice); removing it on the hub makes it forget the hub', async () => {
    const again = await joinHub(b, enrollment);
    assert.equal(again.code, 0, again.stderr);
    await waitForLink(hub, hubJar, bId, 'connected', 15_000);
    assert.equal((await hubsOf(b, bJar)).length, 1);

    const del = await hub.api(`/api/v1/hosts/${bId}`, { method: 'DELETE', jar: hubJar });
    assert.equal(del.status, 204, del.text);
    await waitFor('B to forget the hub', async () => (await hubsOf(b, bJar)).length === 0, 10_000);
    // and it does not come back
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await linkOf(hub, hubJar, bId), null);
    assert.deepEqual(await hubsOf(b, bJar), []);
    const hostEvents = EventList.parse((await b.api('/api/v1/events?limit=20', { jar: bJar })).json).events;
    assert.ok(hostEvents.some((e) => /removed this host/.test(e.message)));
  });

  it('a wiped host restarted on the same address: cert-changed on the hub', async () => {
    const port = a.port;
    await a.stop();
    rmSync(aData.dir, { recursive: true, force: true });
    a = await startHost({ dataDir: aData.dir, port });
    const l = await waitForLink(hub, hubJar, aId, 'cert-changed', 60_000);
    assert.match(l.stateReason ?? '', /another certificate/);
    aJar = await setupAdmin(a);
  });

  it('a string past its uses, or revoked, is refused and leaves no hub on the host', async () => {
    const usedUp = await joinHub(a, enrollment);
    assert.equal(usedUp.code, 1);
    assert.match(usedUp.stderr, /ENROLLMENT_EXPIRED/);
    assert.deepEqual(await hubsOf(a, aJar), []);

    const m = await mintEnrollment(hub, hubJar);
    const del = await hub.api(`/api/v1/enrollments/${m.id}`, { method: 'DELETE', jar: hubJar });
    assert.equal(del.status, 204);
    const revoked = await joinHub(a, m.enrollment);
    assert.equal(revoked.code, 1);
    assert.match(revoked.stderr, /ENROLLMENT_INVALID/);
    assert.deepEqual(await hubsOf(a, aJar), []);

    const payload = decodeEnrollment(m.enrollment);
    assert.ok(payload);
    const wrongSecret = encodeEnrollment({ ...payload, secret: 'x'.repeat(32) });
    const bad = await joinHub(a, wrongSecret);
    assert.match(bad.stderr, /ENROLLMENT_INVALID/);
    assert.deepEqual(await hubsOf(a, aJar), []);
  });

  it('a machine in the middle with its own key gets nothing: the host refuses it on the pin', async () => {
    const impostor = await startTlsImpostor();
    try {
      const m = await mintEnrollment(hub, hubJar);
      const payload = decodeEnrollment(m.enrollment);
      assert.ok(payload);
      const redirected = encodeEnrollment({ ...payload, url: impostor.url });
      const r = await joinHub(a, redirected);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /TLS_ERROR/);
      assert.ok(impostor.connections() >= 1, 'the host did reach the impostor');
      assert.equal(impostor.received(), 0, 'and sent it no byte after the handshake');
      assert.deepEqual(await hubsOf(a, aJar), []);
    } finally {
      await impostor.close();
    }
  });
});
