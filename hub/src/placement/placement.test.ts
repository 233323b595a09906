import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type AssignmentState,
  PlacementAnswer,
  type PlacementCandidate,
  type SharedPool,
  type VmCreateRequest,
} from '@quantix/shared';
import { hostStatus } from '../pools/hub-fakes.test-helper.ts';
import { type PlacementHost, placeVm, poolsOfVm, refusalError } from './placement.ts';

const host = (hostname: string, extra: Partial<PlacementHost> = {}): PlacementHost => ({
  hostId: randomUUID(),
  hostname,
  maintenance: false,
  state: 'connected',
  status: hostStatus(hostname, 64, 16),
  ...extra,
});

const pool = (name: string, assignments: Array<[PlacementHost, AssignmentState, string?]>): SharedPool => ({
  definition: { type: 'dir', name, path: `/srv/${name}` },
  createdAt: new Date().toISOString(),
  assignments: assignments.map(([h, state, message]) => ({
    hostId: h.hostId,
    state,
    message: message ?? null,
    changedAt: new Date().toISOString(),
  })),
});

const names = (cs: PlacementCandidate[]) => cs.map((c) => c.hostname);
const reasons = (c: PlacementCandidate | undefined) => c?.refusals.map((r) => r.reason);
const of = (cs: PlacementCandidate[], hostname: string) => cs.find((c) => c.hostname === hostname);

describe('placeVm', () => {
  it('with no pools chosen: every connected host outside maintenance, most free memory first', () => {
    const a = host('a', { status: hostStatus('a', 64, 60) });
    const b = host('b', { status: hostStatus('b', 128, 8) });
    const c = host('c', { status: hostStatus('c', 32, 0) });
    const out = placeVm([a, b, c], [], []);
    assert.deepEqual(names(out), ['b', 'c', 'a']);
    assert.ok(out.every((x) => x.refusals.length === 0));
    assert.equal(of(out, 'b')?.freeMemoryBytes, 120 * 2 ** 30);
    PlacementAnswer.parse({ candidates: out });
  });

  it('puts eligible hosts first, whatever their memory, then orders the refused ones too', () => {
    const small = host('small', { status: hostStatus('small', 8, 4) });
    const bigOff = host('big-off', { state: 'not-responding', status: hostStatus('big-off', 512, 0) });
    const bigMaint = host('big-maint', { maintenance: true, status: hostStatus('big-maint', 256, 0) });
    assert.deepEqual(names(placeVm([bigOff, small, bigMaint], [], [])), ['small', 'big-off', 'big-maint']);
  });

  it('refuses a host whose link is not up, saying how it stands', () => {
    const cases = [
      ['pending', /has not connected/],
      ['not-responding', /not responding/],
      ['disconnected', /revoked this hub/],
      ['cert-changed', /another certificate/],
    ] as const;
    for (const [state, message] of cases) {
      const h = host(`h-${state}`, { state });
      const [c] = placeVm([h], [], []);
      assert.deepEqual(reasons(c), ['not-connected']);
      assert.match(c?.refusals[0]?.message ?? '', message);
    }
  });

  it('refuses a host in maintenance', () => {
    const [c] = placeVm([host('m', { maintenance: true })], [], []);
    assert.deepEqual(reasons(c), ['maintenance']);
    assert.match(c?.refusals[0]?.message ?? '', /maintenance/);
  });

  it('needs every chosen pool assigned to the host and active there', () => {
    const a = host('a');
    const b = host('b');
    const c = host('c');
    const d = host('d');
    const pools = [
      pool('isos', [
        [a, 'active'],
        [b, 'active'],
        [c, 'active'],
        [d, 'active'],
      ]),
      pool('disks', [
        [a, 'active'],
        [b, 'error', 'mount.nfs: Connection timed out'],
        [c, 'pending'],
      ]),
    ];
    const out = placeVm([a, b, c, d], pools, ['disks', 'isos', 'disks']);
    assert.deepEqual(names(out.filter((x) => x.refusals.length === 0)), ['a']);
    assert.deepEqual(reasons(of(out, 'b')), ['pool-not-active']);
    assert.match(of(out, 'b')?.refusals[0]?.message ?? '', /error on b: mount\.nfs: Connection timed out/);
    assert.deepEqual(reasons(of(out, 'c')), ['pool-not-active']);
    assert.match(of(out, 'c')?.refusals[0]?.message ?? '', /pending/);
    assert.deepEqual(reasons(of(out, 'd')), ['pool-not-assigned']);
    assert.match(of(out, 'd')?.refusals[0]?.message ?? '', /"disks" is not assigned to d/);
  });

  it("believes the host's last status over an active assignment when it reports the pool stopped", () => {
    const status = hostStatus('a', 64, 8);
    const a = host('a', {
      status: { ...status, pools: [{ name: 'nas', state: 'inactive', capacity: 0, available: 0 }] },
    });
    const b = host('b'); // reports no pools at all: the assignment stands
    const out = placeVm(
      [a, b],
      [
        pool('nas', [
          [a, 'active'],
          [b, 'active'],
        ]),
      ],
      ['nas'],
    );
    assert.deepEqual(reasons(of(out, 'a')), ['pool-not-active']);
    assert.match(of(out, 'a')?.refusals[0]?.message ?? '', /inactive on a \(as it last reported\)/);
    assert.deepEqual(reasons(of(out, 'b')), []);
  });

  it('refuses everywhere a pool the hub does not have', () => {
    const out = placeVm([host('a'), host('b')], [], ['nope']);
    for (const c of out) {
      assert.deepEqual(reasons(c), ['pool-not-assigned']);
      assert.match(c.refusals[0]?.message ?? '', /not a shared pool/);
    }
  });

  it('lists every refusal of a host, link first; a host without status has no free memory', () => {
    const h = host('worst', { state: 'pending', maintenance: true, status: null });
    const [c] = placeVm(
      [h],
      [pool('inactive', [[h, 'inactive', 'libvirt reports the pool inactive']])],
      ['inactive', 'missing'],
    );
    assert.deepEqual(reasons(c), ['not-connected', 'maintenance', 'pool-not-active', 'pool-not-assigned']);
    assert.equal(c?.freeMemoryBytes, 0);
  });
});

describe('refusalError', () => {
  it('maps the first refusal to its API code; none for an eligible host', () => {
    const base = { hostId: randomUUID(), hostname: 'h', freeMemoryBytes: 0 };
    const code = (reason: PlacementCandidate['refusals'][number]['reason']) =>
      refusalError({ ...base, refusals: [{ reason, message: 'why' }] })?.code;
    assert.equal(code('not-connected'), 'HOST_NOT_CONNECTED');
    assert.equal(code('maintenance'), 'HOST_IN_MAINTENANCE');
    assert.equal(code('pool-not-assigned'), 'POOL_NOT_ON_HOST');
    assert.equal(code('pool-not-active'), 'POOL_NOT_ON_HOST');
    assert.equal(refusalError({ ...base, refusals: [] }), null);
    assert.equal(
      refusalError({ ...base, refusals: [{ reason: 'maintenance', message: 'm' }] })?.message,
      'm',
    );
  });
});

describe('poolsOfVm', () => {
  it('takes the pools of the disks and of the CD-ROM, once each', () => {
    const vm = {
      name: 'web',
      vcpus: 1,
      memoryMiB: 512,
      disks: [
        { pool: 'disks', sizeGiB: 10, format: 'qcow2' },
        { pool: 'disks', sizeGiB: 5, format: 'raw' },
        { pool: 'fast', sizeGiB: 5, format: 'raw' },
      ],
      cdrom: { pool: 'isos', volume: 'debian.iso' },
      network: { type: 'none' },
      bootOrder: ['cdrom', 'hd'],
      autostart: false,
    } as VmCreateRequest;
    assert.deepEqual(poolsOfVm(vm), ['disks', 'fast', 'isos']);
    assert.deepEqual(poolsOfVm({ ...vm, cdrom: undefined }), ['disks', 'fast']);
  });
});
