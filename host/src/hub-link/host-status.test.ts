import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HypervisorStatus, PoolSummary } from '@quantix/shared';
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
