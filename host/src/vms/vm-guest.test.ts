import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, type VmGuestInfo } from '@quantix/shared';
import { parseGuestInfoOutput } from '../hypervisor/dbus-hypervisor.ts';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { GuestInterfaceInfo, Hypervisor } from '../hypervisor/hypervisor.ts';
import { buildDomainXml, parseDomainXml } from '../libvirt-xml/domain-xml.ts';
import { createVmGuestService, listedAddresses, toGuestOs } from './vm-guest.ts';
import type { VmInventory, VmRecord } from './vm-inventory.ts';

// The rules of the guest agent service (cache, TTL, states) with a stand-in hypervisor; the real
// one is tested on the test driver (test/integration/vm-guest-api.test.ts) and on a real guest
// speaking QGA (test/e2e/vm-guest-agent.test.ts).

const UUID = '5c0e2a8e-7d1b-4f43-9e55-0d4f3d1a9b11';
const spec = (guestAgent: boolean) =>
  parseDomainXml(
    buildDomainXml({
      name: 'qxos-g',
      uuid: UUID,
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ path: '/tmp/a.qcow2', format: 'qcow2' }],
      network: { type: 'none' },
      bootOrder: ['hd'],
      guestAgent,
    }),
  );
const record = (active: boolean, guestAgent = true): VmRecord => ({
  info: { uuid: UUID, name: 'qxos-g', active, persistent: true, autostart: false },
  spec: spec(guestAgent),
  state: active ? 'running' : 'shutoff',
});
const IFACES: GuestInterfaceInfo[] = [
  { name: 'lo', mac: '00:00:00:00:00:00', addresses: [{ type: 'ipv4', address: '127.0.0.1', prefix: 8 }] },
  {
    name: 'eth0',
    mac: '52:54:00:00:00:01',
    addresses: [
      { type: 'ipv4', address: '192.0.2.5', prefix: 24 },
      { type: 'ipv6', address: 'fe80::1', prefix: 64 },
      { type: 'ipv6', address: '2001:db8::5', prefix: 64 },
    ],
  },
];

function setup(r: VmRecord, agent: 'up' | 'down' | 'odd') {
  let calls = 0;
  let t = 1_000_000;
  const listeners: Array<(uuid: string, r: VmRecord | undefined) => void> = [];
  const down = () =>
    new AppError(
      'GUEST_AGENT_UNAVAILABLE',
      'Guest agent is not responding: QEMU guest agent is not connected',
    );
  const h = {
    guestHostname: async () => {
      calls++;
      if (agent === 'down') throw down();
      if (agent === 'odd')
        throw new AppError('LIBVIRT_ERROR', 'no hostname found: no hostname found for domain g');
      return 'g1';
    },
    guestInterfaces: async () => IFACES,
    guestOsInfo: async () => ({
      'pretty-name': 'Debian GNU/Linux 12 (bookworm)',
      'version-id': '12',
      id: 'debian',
    }),
  } as unknown as Hypervisor;
  const inventory = {
    ready: async () => undefined,
    get: () => r,
    refresh: async () => r,
    onChange: (fn: (uuid: string, r: VmRecord | undefined) => void) => {
      listeners.push(fn);
      return () => undefined;
    },
  } as unknown as VmInventory;
  const svc = createVmGuestService({
    monitor: { get: () => h } as unknown as HypervisorMonitor,
    inventory,
    ttlMs: 60_000,
    now: () => t,
  });
  return {
    svc,
    calls: () => calls,
    advance: (ms: number) => {
      t += ms;
    },
    emit: (rec: VmRecord | undefined) => {
      for (const fn of listeners) fn(UUID, rec);
    },
  };
}

describe('the guest agent service', () => {
  it('answers from the agent, then from its cache until the TTL, and at once on refresh', async () => {
    const s = setup(record(true), 'up');
    const a = await s.svc.info(UUID);
    assert.equal(a.agent, 'connected');
    assert.equal(a.hostname, 'g1');
    assert.deepEqual(a.os, {
      name: 'Debian GNU/Linux 12 (bookworm)',
      version: '12',
      id: 'debian',
      kernel: null,
    });
    await s.svc.info(UUID);
    assert.equal(s.calls(), 1, 'cached');
    assert.deepEqual(s.svc.cachedAddresses(UUID), ['192.0.2.5', '2001:db8::5']);
    await s.svc.info(UUID, { refresh: true });
    assert.equal(s.calls(), 2);
    s.advance(60_001);
    assert.equal(s.svc.cachedAddresses(UUID), undefined, 'expired: the list shows none');
    await s.svc.info(UUID);
    assert.equal(s.calls(), 3);
    // two requests at once ask the agent once
    await Promise.all([s.svc.info(UUID, { refresh: true }), s.svc.info(UUID, { refresh: true })]);
    assert.equal(s.calls(), 4);
    // a VM that stopped is forgotten
    s.emit(record(false));
    assert.equal(s.svc.cachedAddresses(UUID), undefined);
  });

  it('says "not running" when the agent does not answer, "not configured" without the channel, "vm-off" when off', async () => {
    const down = await setup(record(true), 'down').svc.info(UUID);
    assert.equal(down.agent, 'not-running');
    assert.match(down.message ?? '', /not connected/);
    assert.equal((await setup(record(true, false), 'up').svc.info(UUID)).agent, 'not-configured');
    // libvirt's other words for an agent that is there but does not answer properly
    const odd = setup(record(true), 'odd');
    const got = await odd.svc.info(UUID);
    assert.equal(got.agent, 'not-running');
    assert.match(got.message ?? '', /no hostname found/);
    assert.equal((await setup(record(false), 'up').svc.info(UUID)).agent, 'vm-off');
  });
});

describe('guest info mapping', () => {
  it('reads virsh guestinfo --os', () => {
    const out = [
      'os.id               : debian',
      'os.name             : Debian GNU/Linux',
      'os.pretty-name      : Debian GNU/Linux 12 (bookworm)',
      'os.version          : 12 (bookworm)',
      'os.version-id       : 12',
      'os.kernel-release   : 6.1.0-18-amd64',
      'os.machine          : x86_64',
      '',
    ].join('\n');
    const fields = parseGuestInfoOutput(out);
    assert.equal(fields['pretty-name'], 'Debian GNU/Linux 12 (bookworm)');
    assert.deepEqual(toGuestOs(fields), {
      name: 'Debian GNU/Linux 12 (bookworm)',
      version: '12 (bookworm)',
      id: 'debian',
      kernel: '6.1.0-18-amd64',
    });
    assert.equal(toGuestOs({}), null);
  });

  it('lists addresses without loopback and IPv6 link-local', () => {
    const info: VmGuestInfo = {
      agent: 'connected',
      checkedAt: new Date(0).toISOString(),
      hostname: 'g',
      os: null,
      interfaces: IFACES.map((i) => ({ ...i, mac: i.mac })),
      message: null,
    };
    assert.deepEqual(listedAddresses(info), ['192.0.2.5', '2001:db8::5']);
  });
});

describe('the background refresh of the list addresses', () => {
  const A = '5c0e2a8e-7d1b-4f43-9e55-0d4f3d1a9b1a';
  const B = '5c0e2a8e-7d1b-4f43-9e55-0d4f3d1a9b1b';
  const C = '5c0e2a8e-7d1b-4f43-9e55-0d4f3d1a9b1c';
  const rec = (uuid: string, agent: boolean): VmRecord => ({
    ...record(true, agent),
    info: { uuid, name: uuid.slice(-2), active: true, persistent: true, autostart: false },
  });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
    assert.ok(cond(), 'reached in time');
  };

  it('asks one agent VM per tick in turn, only while libvirt answers and the list has loaded', async () => {
    const asked: string[] = [];
    let available = false;
    let loaded = true;
    let silent = '';
    const records = [rec(A, true), rec(B, true), rec(C, false)];
    const h = {
      guestInterfaces: async (uuid: string) => {
        asked.push(uuid);
        if (uuid === silent) throw new AppError('GUEST_AGENT_UNAVAILABLE', 'not connected');
        return IFACES;
      },
    } as unknown as Hypervisor;
    const svc = createVmGuestService({
      monitor: { get: () => h, status: () => ({ available }) } as unknown as HypervisorMonitor,
      inventory: {
        ready: async () => undefined,
        loaded: () => loaded,
        all: () => records,
        get: (u: string) => records.find((r) => r.info.uuid === u),
        onChange: () => () => undefined,
      } as unknown as VmInventory,
    });
    const pushed: string[] = [];
    svc.onAddresses((u) => pushed.push(u));
    const stop = svc.startAddressRefresh(1);
    try {
      // libvirt away: nobody is asked (a few ticks pass: bounded by the next phase's wait)
      for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 2));
      assert.deepEqual(asked, []);
      available = true;
      await until(() => asked.length >= 4);
      assert.deepEqual(asked.slice(0, 4), [A, B, A, B], 'in turn, never the VM without a channel');
      assert.deepEqual(svc.cachedAddresses(A), ['192.0.2.5', '2001:db8::5']);
      assert.deepEqual(pushed, [A, B], 'pushed when they changed, not on every read');
      // an agent that stops answering: its addresses are no longer listed
      silent = B;
      await until(() => svc.cachedAddresses(B) === undefined);
      assert.deepEqual(pushed, [A, B, B]);
      loaded = false;
      await new Promise((r) => setTimeout(r, 5)); // a tick under way ends
      const during = asked.length;
      for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 2));
      assert.equal(asked.length, during, 'a failed load stops the refresh');
    } finally {
      stop();
    }
  });
});
