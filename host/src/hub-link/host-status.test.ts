import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HypervisorStatus, PoolSummary } from '@quantix/shared';
import type { RawReading } from '../telemetry/proc-parse.ts';
import { pino } from 'pino';
import { createHostStatusSource } from './host-status.ts';

const HYPERVISOR: HypervisorStatus = {
  available: true,
  uri: 'test:///default',
  testDriver: true,
  hostname: 'h1',
  libvirtVersion: '10.0.0',
  error: null,
};

const pool = (name: string, state: PoolSummary['state']): PoolSummary => ({
  uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
  name,
  type: 'dir',
  state,
  autostart: true,
  capacity: 100,
  allocation: 10,
  available: 90,
  volumes: 0,
  path: `/srv/${name}`,
});

/** A libvirt whose pool list answers when the test says, with the pools as they are then. */
function slowLibvirt() {
  let now: PoolSummary[] = [];
  const waiting: Array<() => void> = [];
  let reads = 0;
  return {
    set: (pools: PoolSummary[]) => {
      now = pools;
    },
    listPools: () => {
      reads++;
      const answer = now;
      return new Promise<PoolSummary[]>((resolve) => waiting.push(() => resolve(answer)));
    },
    /** answers the oldest read still waiting */
    answer: async () => {
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    reads: () => reads,
  };
}

function source(listPools: () => Promise<PoolSummary[]>) {
  return createHostStatusSource({
    hostname: 'h1',
    version: '0.1.0',
    reader: {
      read: () => {
        throw new Error('no /proc here');
      },
    },
    vms: () => [],
    listPools,
    hypervisor: { status: () => HYPERVISOR },
    log: pino({ level: 'silent' }),
    // the 30 s refresh never comes due on its own in this test
    now: () => 0,
  });
}

describe('host status: the pools', () => {
  it('reads them again when they change while being read, and resolves once the newer read is in', async () => {
    const libvirt = slowLibvirt();
    const status = source(libvirt.listPools);
    // a hub's pool.apply: defined (an event, a read begins) …
    libvirt.set([pool('lib', 'inactive')]);
    let firstDone = false;
    void status.refreshPools().then(() => {
      firstDone = true;
    });
    // … then started while that read is under way: a second event
    libvirt.set([pool('lib', 'running')]);
    let secondDone = false;
    void status.refreshPools().then(() => {
      secondDone = true;
    });
    assert.equal(libvirt.reads(), 1, 'one read at a time');
    await libvirt.answer();
    assert.equal(libvirt.reads(), 2, 'the change during the read is read again');
    assert.equal(firstDone || secondDone, false, 'not done before the newer read');
    await libvirt.answer();
    assert.ok(firstDone && secondDone);
    assert.deepEqual(
      status.build().pools.map((p) => [p.name, p.state]),
      [['lib', 'running']],
    );
  });

  it('keeps the pools it had when a read fails, and still resolves', async () => {
    let fail = false;
    const status = source(async () => {
      if (fail) throw new Error('libvirt went away');
      return [pool('lib', 'running')];
    });
    await status.refreshPools();
    fail = true;
    await status.refreshPools();
    assert.deepEqual(
      status.build().pools.map((p) => p.name),
      ['lib'],
    );
  });
});

describe('host status: the CPU figure', () => {
  it('is measured over a second at least: a status between heartbeats keeps the last figure', () => {
    let n = 0;
    // every read: 10 jiffies more, busy in step `busy`
    let busy = 5;
    let user = 0;
    let idle = 0;
    let clock = 0;
    const read = (): RawReading => {
      n++;
      user += busy;
      idle += 10 - busy;
      const j = { user, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0 };
      return {
        mono: n,
        cpu: { total: j, cores: [j, j] },
        memory: { total: 8e9, available: 6e9, swapTotal: 0, swapFree: 0 },
        load: { avg: [0, 0, 0], lastPid: 1 },
        net: [],
        disks: [],
        uptime: n,
        filesystems: [],
      };
    };
    const status = createHostStatusSource({
      hostname: 'h1',
      version: '0.1.0',
      reader: { read },
      vms: () => [],
      listPools: async () => [],
      hypervisor: { status: () => HYPERVISOR },
      log: pino({ level: 'silent' }),
      now: () => clock,
    });
    assert.equal(status.build().cpuPercent, null, 'no figure from one reading');
    clock += 5000;
    assert.equal(status.build().cpuPercent, 50);
    // a pool change 5 ms later: the jiffies of those 5 ms (all busy here) are not a figure
    busy = 10;
    clock += 5;
    assert.equal(status.build().cpuPercent, 50);
    clock += 4995;
    assert.equal(status.build().cpuPercent, 100, 'the next heartbeat measures from the last one');
  });
});
