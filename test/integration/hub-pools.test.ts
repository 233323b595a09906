import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ErrorBody,
  type ErrorCode,
  EventList,
  FileListing,
  HTTP_STATUS,
  HubHost,
  type PlacementCandidate,
  PlacementAnswer,
  PingResponse,
  PoolSummary,
  SharedPool,
  UploadResult,
  VmDetail,
  type VmCreateRequest,
  VmSummary,
} from '@quantix/shared';
import { type RunningHost, runCli, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar, HttpResponse } from '../support/https-client.ts';
import { ADMIN, type RunningHub, setupHubAdmin, startHub } from '../support/hub-process.ts';
import { buildIso9660 } from '../support/iso9660.ts';
import { hubsOf, waitFor, waitForLink } from '../support/link-hub.ts';
import type { RunningServer } from '../support/server-process.ts';

/*
 * Shared pools and VM placement across a real hub and two real hosts, each host with its own
 * libvirt test driver (its own private libvirt-dbus: `test:///default` lives in that process's
 * memory, so a pool defined on A is not on B). The "shared storage" is a temp directory both
 * hosts reach, being on the same machine.
 */

const POOL1 = 'fedshared';
const POOL2 = 'fedlocal';
const POOL3 = 'fedlate';

/** A token minted on the host's console (`quantix-host token`): the token and its join string. */
async function mint(host: RunningHost): Promise<{ token: string; join: string }> {
  const cli = await runCli(['token', '--data', host.dataDir]);
  assert.equal(cli.code, 0, cli.stderr);
  const token = /^token: +(\S+)$/m.exec(cli.stdout)?.[1] ?? '';
  const join = /^join: +(\S+)$/m.exec(cli.stdout)?.[1] ?? '';
  assert.ok(token && join, cli.stdout);
  return { token, join };
}

async function hostIdOf(host: RunningHost): Promise<string> {
  return PingResponse.parse((await host.api('/api/v1/registration/ping')).json).hostId;
}

/** A restarted server forgot its sessions: log in again with the same jar. */
async function login(server: RunningServer, jar: CookieJar): Promise<void> {
  const res = await server.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
  assert.equal(res.status, 200, res.text);
}

/** Asserts an error answer: its code, the status that code has, and answers its message. */
function assertError(res: HttpResponse, code: ErrorCode): string {
  const body = ErrorBody.safeParse(res.json);
  assert.ok(body.success, `not an error body: ${res.status} ${res.text}`);
  assert.equal(body.data.error.code, code, body.data.error.message);
  assert.equal(res.status, HTTP_STATUS[code]);
  return body.data.error.message;
}

function vmRequest(name: string, disks: VmCreateRequest['disks']): VmCreateRequest {
  return {
    name,
    vcpus: 1,
    memoryMiB: 128,
    disks,
    network: { type: 'none' },
    bootOrder: ['hd'],
    autostart: false,
  };
}

describe('shared pools and VM placement across a real hub and two real hosts', () => {
  const hubData = tempDataDir('qx-hub-pools-');
  const aData = tempDataDir('qx-host-pa-');
  const bData = tempDataDir('qx-host-pb-');
  // the shared storage: one directory both hosts reach (the same machine), resolved as the hosts will
  const shared1 = realpathSync(mkdtempSync(join(tmpdir(), 'qx-shared1-')));
  const shared2 = realpathSync(mkdtempSync(join(tmpdir(), 'qx-shared2-')));
  const shared3 = realpathSync(mkdtempSync(join(tmpdir(), 'qx-shared3-')));
  let hub: RunningHub;
  let hubJar: CookieJar;
  let a: RunningHost;
  let b: RunningHost;
  let aJar: CookieJar;
  let bJar: CookieJar;
  let aId: string;
  let bId: string;
  let vmUuid = '';

  const api = (path: string, method = 'GET', body?: unknown) =>
    hub.api(path, { method, jar: hubJar, timeoutMs: 60_000, ...(body !== undefined ? { body } : {}) });
  const poolOf = async (name: string): Promise<SharedPool> => {
    const res = await api(`/api/v1/pools/${name}`);
    assert.equal(res.status, 200, res.text);
    return SharedPool.parse(res.json);
  };
  const assignmentOf = async (name: string, hostId: string) =>
    (await poolOf(name)).assignments.find((x) => x.hostId === hostId) ?? null;
  const stateOn = async (name: string, hostId: string) => (await assignmentOf(name, hostId))?.state ?? null;
  /** waits for the assignment's state; a give-up names the state and message it was left in */
  const waitForState = (name: string, hostId: string, state: string, deadlineMs = 30_000) =>
    waitFor(
      `${name} ${state} on ${hostId}`,
      async () => {
        const x = await assignmentOf(name, hostId);
        if (x?.state !== state) throw new Error(`it is ${x?.state ?? 'unassigned'}: ${x?.message}`);
        return true;
      },
      deadlineMs,
    );
  /** the host's own view of its libvirt pools (its API, its session) */
  const hostPools = async (host: RunningHost, jar: CookieJar): Promise<PoolSummary[]> => {
    const res = await host.api('/api/v1/storage/pools', { jar });
    assert.equal(res.status, 200, res.text);
    return (res.json as { pools: unknown[] }).pools.map((p) => PoolSummary.parse(p));
  };
  const placement = async (pools: string): Promise<PlacementCandidate[]> => {
    const res = await api(`/api/v1/placement?pools=${pools}`);
    assert.equal(res.status, 200, res.text);
    return PlacementAnswer.parse(res.json).candidates;
  };
  const setMaintenance = async (hostId: string, maintenance: boolean) => {
    const res = await api(`/api/v1/hosts/${hostId}/maintenance`, 'PUT', { maintenance });
    assert.equal(res.status, 200, res.text);
    assert.equal(HubHost.parse(res.json).maintenance, maintenance);
  };

  before(async () => {
    [hub, a, b] = await Promise.all([
      startHub({ dataDir: hubData.dir, args: ['--allow-loopback-hosts'] }),
      startHost({ dataDir: aData.dir }),
      startHost({ dataDir: bData.dir }),
    ]);
    [hubJar, aJar, bJar] = await Promise.all([setupHubAdmin(hub), setupAdmin(a), setupAdmin(b)]);
    [aId, bId] = await Promise.all([hostIdOf(a), hostIdOf(b)]);

    // A by its join string, B by its URL and a token: both through the hub's API, for real
    const [ta, tb] = await Promise.all([mint(a), mint(b)]);
    const addA = await api('/api/v1/hosts', 'POST', { target: ta.join });
    assert.equal(addA.status, 201, addA.text);
    const addB = await api('/api/v1/hosts', 'POST', { target: b.url, token: tb.token });
    assert.equal(addB.status, 201, addB.text);
    assert.deepEqual([HubHost.parse(addA.json).hostId, HubHost.parse(addB.json).hostId], [aId, bId]);
    await waitForLink(hub, hubJar, aId, 'connected');
    await waitForLink(hub, hubJar, bId, 'connected');
  });

  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop(), hub?.stop()]);
    for (const d of [hubData, aData, bData]) d.remove();
    for (const d of [shared1, shared2, shared3]) rmSync(d, { recursive: true, force: true });
  });

  it('a shared dir pool assigned to both hosts is active on both, running with autostart on each', async () => {
    const created = await api('/api/v1/pools', 'POST', { type: 'dir', name: POOL1, path: shared1 });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(SharedPool.parse(created.json).assignments, []);
    assertError(
      await api('/api/v1/pools', 'POST', { type: 'dir', name: POOL1, path: shared2 }),
      'NAME_TAKEN',
    );

    for (const hostId of [aId, bId]) {
      const res = await api(`/api/v1/pools/${POOL1}/hosts/${hostId}`, 'PUT');
      assert.equal(res.status, 200, res.text);
    }
    await waitForState(POOL1, aId, 'active');
    await waitForState(POOL1, bId, 'active');
    const matrix = await api('/api/v1/pools');
    assert.equal(matrix.status, 200);
    const listed = (matrix.json as { pools: unknown[] }).pools.map((p) => SharedPool.parse(p));
    const mine = listed.find((p) => p.definition.name === POOL1);
    assert.deepEqual(
      mine?.assignments.map((x) => [x.hostId, x.state]).sort(),
      [
        [aId, 'active'],
        [bId, 'active'],
      ].sort(),
    );

    for (const [host, jar] of [
      [a, aJar],
      [b, bJar],
    ] as const) {
      const p = (await hostPools(host, jar)).find((x) => x.name === POOL1);
      assert.ok(p, `the host's libvirt has ${POOL1}`);
      assert.equal(p.state, 'running');
      assert.equal(p.autostart, true);
      assert.equal(p.type, 'dir');
      assert.equal(p.path, shared1);
    }
  });

  it('an ISO uploaded through the hub to A is listed when browsing the same pool through B', async () => {
    const iso = buildIso9660('QX_FED', [
      { name: 'README.TXT', data: Buffer.from('Quantix federation test image\n') },
      { name: 'PAYLOAD.BIN', data: Buffer.alloc(300 * 1024, 0x5a) },
    ]);
    const put = await hub.api(`/api/v1/pools/${POOL1}/files/installer.iso?hostId=${aId}`, {
      method: 'PUT',
      jar: hubJar,
      headers: { 'content-type': 'application/octet-stream' },
      body: iso,
      timeoutMs: 60_000,
    });
    assert.equal(put.status, 201, put.text);
    const uploaded = UploadResult.parse(put.json);
    assert.equal(uploaded.name, 'installer.iso');
    assert.equal(uploaded.size, iso.length);
    // it is on the shared storage, byte for byte
    assert.ok(readFileSync(join(shared1, 'installer.iso')).equals(iso));

    const list = await api(`/api/v1/pools/${POOL1}/files?hostId=${bId}&path=`);
    assert.equal(list.status, 200, list.text);
    const listing = FileListing.parse(list.json);
    const entry = listing.entries.find((e) => e.name === 'installer.iso');
    assert.ok(entry, JSON.stringify(listing.entries.map((e) => e.name)));
    assert.equal(entry.type, 'iso');
    assert.equal(entry.size, iso.length);
    assert.ok(!listing.entries.some((e) => e.name.endsWith('.part')), 'no temp file left');
  });

  it('placement: a pool only on A, maintenance, and the refusals of POST /vms; then the VM on A', async () => {
    const created = await api('/api/v1/pools', 'POST', { type: 'dir', name: POOL2, path: shared2 });
    assert.equal(created.status, 201, created.text);
    assert.equal((await api(`/api/v1/pools/${POOL2}/hosts/${aId}`, 'PUT')).status, 200);
    await waitForState(POOL2, aId, 'active');

    let candidates = await placement(POOL2);
    const ca = candidates.find((c) => c.hostId === aId);
    const cb = candidates.find((c) => c.hostId === bId);
    assert.deepEqual(ca?.refusals, [], JSON.stringify(ca));
    assert.deepEqual(
      cb?.refusals.map((r) => r.reason),
      ['pool-not-assigned'],
    );
    assert.equal(candidates[0]?.hostId, aId, 'the eligible host comes first');

    await setMaintenance(aId, true);
    candidates = await placement(POOL2);
    assert.ok(
      candidates.find((c) => c.hostId === aId)?.refusals.some((r) => r.reason === 'maintenance'),
      JSON.stringify(candidates),
    );

    // the VM's pools: a disk in the pool only A has, and one in the pool both have
    const vm = vmRequest('fedvm1', [
      { pool: POOL2, sizeGiB: 1, format: 'qcow2' },
      { pool: POOL1, sizeGiB: 1, format: 'qcow2' },
    ]);
    const onB = await api('/api/v1/vms', 'POST', { hostId: bId, vm });
    assert.match(assertError(onB, 'POOL_NOT_ON_HOST'), new RegExp(POOL2));
    const onA = await api('/api/v1/vms', 'POST', { hostId: aId, vm });
    assert.match(assertError(onA, 'HOST_IN_MAINTENANCE'), /maintenance/);

    await setMaintenance(aId, false);
    const made = await api('/api/v1/vms', 'POST', { hostId: aId, vm });
    assert.equal(made.status, 201, made.text);
    const detail = VmDetail.parse(made.json);
    assert.equal(detail.name, 'fedvm1');
    vmUuid = detail.uuid;

    // A itself has it, and says the hub did it
    const own = await a.api('/api/v1/vms', { jar: aJar });
    assert.equal(own.status, 200, own.text);
    const vms = (own.json as { vms: unknown[] }).vms.map((v) => VmSummary.parse(v));
    assert.ok(vms.some((v) => v.uuid === vmUuid && v.name === 'fedvm1'));
    const [hubRec] = await hubsOf(a, aJar);
    assert.ok(hubRec);
    const events = EventList.parse((await a.api('/api/v1/events?limit=100', { jar: aJar })).json).events;
    const byHub = events.filter((e) => e.message.includes('fedvm1') && e.source === `hub ${hubRec.hubName}`);
    assert.ok(byHub.length > 0, JSON.stringify(events.map((e) => [e.source, e.message])));
    // and B does not
    const onBHost = await b.api('/api/v1/vms', { jar: bJar });
    assert.ok(!(onBHost.json as { vms: Array<{ name: string }> }).vms.some((v) => v.name === 'fedvm1'));
    // the hub lists A's VMs through the link
    const through = await api(`/api/v1/hosts/${aId}/vms`);
    assert.equal(through.status, 200, through.text);
    assert.ok((through.json as { vms: Array<{ uuid: string }> }).vms.some((v) => v.uuid === vmUuid));
  });

  it('unassigning a pool a VM uses is refused naming it; once the VM is gone the pool leaves A, its last one too', async () => {
    const refused = await api(`/api/v1/pools/${POOL1}/hosts/${aId}`, 'DELETE');
    assert.match(assertError(refused, 'POOL_IN_USE'), /fedvm1/);
    assert.equal(await stateOn(POOL1, aId), 'active', 'the assignment stays as it was');
    assert.ok((await hostPools(a, aJar)).some((p) => p.name === POOL1 && p.state === 'running'));

    const del = await a.api(`/api/v1/vms/${vmUuid}?deleteVolumes=true`, { method: 'DELETE', jar: aJar });
    assert.equal(del.status, 204, del.text);

    const gone = await api(`/api/v1/pools/${POOL1}/hosts/${aId}`, 'DELETE');
    assert.equal(gone.status, 200, gone.text);
    assert.deepEqual(
      SharedPool.parse(gone.json).assignments.map((x) => x.hostId),
      [bId],
    );
    assert.ok(!(await hostPools(a, aJar)).some((p) => p.name === POOL1), 'A’s libvirt no longer has it');
    assert.ok(
      (await hostPools(b, bJar)).some((p) => p.name === POOL1),
      'B keeps it',
    );
    assert.ok(readFileSync(join(shared1, 'installer.iso')).length > 0, 'the files stay');

    // the last shared pool A has
    const last = await api(`/api/v1/pools/${POOL2}/hosts/${aId}`, 'DELETE');
    assert.equal(last.status, 200, last.text);
    assert.deepEqual(SharedPool.parse(last.json).assignments, []);
    assert.ok(!(await hostPools(a, aJar)).some((p) => p.name === POOL2));
    const left = ((await api('/api/v1/pools')).json as { pools: unknown[] }).pools
      .map((p) => SharedPool.parse(p))
      .filter((p) => p.assignments.some((x) => x.hostId === aId));
    assert.deepEqual(left, [], 'A has no shared pool left');
    assertError(await api(`/api/v1/pools/${POOL2}/hosts/${aId}`, 'DELETE'), 'NOT_FOUND');
  });

  it('a host that is down: commands are HOST_NOT_CONNECTED, a pool assigned meanwhile is pending and converges when it is back', async () => {
    const port = b.port;
    await b.kill9();
    const created = await api('/api/v1/pools', 'POST', { type: 'dir', name: POOL3, path: shared3 });
    assert.equal(created.status, 201, created.text);
    const assigned = await api(`/api/v1/pools/${POOL3}/hosts/${bId}`, 'PUT');
    assert.equal(assigned.status, 200, assigned.text);
    const a3 = SharedPool.parse(assigned.json).assignments.find((x) => x.hostId === bId);
    assert.equal(a3?.state, 'pending', JSON.stringify(a3));

    const vms = await api(`/api/v1/hosts/${bId}/vms`);
    const message = assertError(vms, 'HOST_NOT_CONNECTED');
    assert.match(message, /not up|not connected/);
    assertError(await api(`/api/v1/pools/${POOL1}/files?hostId=${bId}`), 'HOST_NOT_CONNECTED');
    // the hub never forgets a pool still on a host it cannot reach
    assertError(await api(`/api/v1/pools/${POOL1}/hosts/${bId}`, 'DELETE'), 'HOST_NOT_CONNECTED');
    assert.equal(await stateOn(POOL1, bId), 'active');

    // B comes back on the same data dir; nobody touches anything
    b = await startHost({ dataDir: bData.dir, port });
    await waitForState(POOL3, bId, 'active', 45_000);
    await login(b, bJar);
    const pools = await hostPools(b, bJar);
    assert.ok(pools.some((p) => p.name === POOL3 && p.state === 'running' && p.autostart));
    // the test driver keeps nothing across a restart: B came back without the pool it had, which
    // the hub still holds active there — it is applied again too, as for a host whose libvirt lost
    // a pool (an NFS pool that failed to autostart at boot)
    await waitFor(`${POOL1} on B again`, async () =>
      (await hostPools(b, bJar)).some((p) => p.name === POOL1 && p.state === 'running'),
    );
    assert.equal(await stateOn(POOL1, bId), 'active');
    assert.equal((await api(`/api/v1/hosts/${bId}/vms`)).status, 200);
  });
});
