import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VmMetadata } from '@quantix/shared';
import { type BootCandidate, type BootStart, bootStartOrder, runBootStarts } from './vm-boot-order.ts';

const meta = (over: Partial<VmMetadata> = {}): VmMetadata => ({ tags: [], template: false, ...over });
const vm = (name: string, m: Partial<VmMetadata>, over: Partial<BootCandidate> = {}): BootCandidate => ({
  uuid: `uuid-${name}`,
  name,
  persistent: true,
  libvirtAutostart: false,
  meta: meta(m),
  ...over,
});
const ordered = (order: number, delay = 0) => ({
  startAtBoot: true,
  startOrder: order,
  startDelaySeconds: delay,
});

/** A clock that only the injected sleep moves: the timeline is exact, whatever the machine's load. */
function fakeClock() {
  let now = 0;
  const log: string[] = [];
  return {
    log,
    now: () => now,
    sleep: async (ms: number) => {
      log.push(`t=${now} sleep ${ms}`);
      now += ms;
    },
  };
}

describe('bootStartOrder', () => {
  it('takes the VMs the host starts, lower order first, equal orders by name', () => {
    const list = bootStartOrder([
      vm('c', ordered(2, 5)),
      vm('b', ordered(1)),
      vm('a', ordered(2)),
      vm('zero', ordered(0)),
    ]);
    assert.deepEqual(
      list.map((v) => [v.name, v.order, v.delaySeconds]),
      [
        ['zero', 0, 0],
        ['b', 1, 0],
        ['a', 2, 0],
        ['c', 2, 5],
      ],
    );
  });

  it('leaves out templates, VMs without start at boot or order, libvirt-started and transient ones', () => {
    const list = bootStartOrder([
      vm('template', { ...ordered(1), template: true }),
      vm('order-only', { startOrder: 1 }),
      vm('at-boot-no-order', { startAtBoot: true }),
      vm('libvirt', ordered(1), { libvirtAutostart: true }),
      vm('transient', ordered(1), { persistent: false }),
      vm('plain', {}),
      vm('kept', ordered(9)),
    ]);
    assert.deepEqual(
      list.map((v) => v.name),
      ['kept'],
    );
  });
});

describe('runBootStarts', () => {
  const starts = (...vms: Array<[string, number]>): BootStart[] =>
    vms.map(([name, delay], i) => ({ uuid: `uuid-${name}`, name, order: i + 1, delaySeconds: delay }));

  it('starts in order and waits each started VM’s delay before the next, not after the last', async () => {
    const clock = fakeClock();
    const out = await runBootStarts(starts(['a', 10], ['b', 0], ['c', 30]), {
      start: async (v) => void clock.log.push(`t=${clock.now()} start ${v.name}`),
      isActive: () => false,
      sleep: clock.sleep,
      report: (o) => clock.log.push(`${o.vm.name} ${o.outcome}`),
      stopped: () => false,
    });
    assert.deepEqual(clock.log, [
      't=0 start a',
      'a started',
      't=0 sleep 10000',
      't=10000 start b',
      'b started',
      't=10000 start c',
      'c started',
    ]);
    assert.deepEqual(
      out.map((o) => o.outcome),
      ['started', 'started', 'started'],
    );
  });

  it('a VM that fails is reported and the rest still start, without its delay', async () => {
    const clock = fakeClock();
    const out = await runBootStarts(starts(['a', 5], ['bad', 60], ['c', 0]), {
      start: async (v) => {
        if (v.name === 'bad') throw new Error('no such disk');
        clock.log.push(`t=${clock.now()} start ${v.name}`);
      },
      isActive: () => false,
      sleep: clock.sleep,
      report: () => undefined,
      stopped: () => false,
    });
    assert.deepEqual(clock.log, ['t=0 start a', 't=0 sleep 5000', 't=5000 start c']);
    const bad = out[1];
    assert.equal(bad?.outcome, 'failed');
    assert.equal(bad?.outcome === 'failed' && bad.error.message, 'no such disk');
  });

  it('a VM already running is not started again and adds no delay', async () => {
    const clock = fakeClock();
    const out = await runBootStarts(starts(['up', 20], ['b', 0]), {
      start: async (v) => void clock.log.push(`start ${v.name}`),
      isActive: (uuid) => uuid === 'uuid-up',
      sleep: clock.sleep,
      report: () => undefined,
      stopped: () => false,
    });
    assert.deepEqual(clock.log, ['start b']);
    assert.deepEqual(
      out.map((o) => o.outcome),
      ['running', 'started'],
    );
  });

  it('stops between two VMs once the host stops', async () => {
    const clock = fakeClock();
    let stopping = false;
    const out = await runBootStarts(starts(['a', 10], ['b', 0]), {
      start: async (v) => void clock.log.push(`start ${v.name}`),
      isActive: () => false,
      sleep: async (ms) => {
        await clock.sleep(ms);
        stopping = true;
      },
      report: () => undefined,
      stopped: () => stopping,
    });
    assert.deepEqual(clock.log, ['start a', 't=0 sleep 10000']);
    assert.equal(out.length, 1);
  });
});
