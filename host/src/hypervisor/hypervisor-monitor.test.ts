import assert from 'node:assert/strict';
import { it } from 'node:test';
import pino from 'pino';
import { createHypervisorMonitor } from './hypervisor-monitor.ts';
import type { Hypervisor, HypervisorStatus } from './hypervisor.ts';

it('reports libvirt unavailable with a stable code, then recovers on its own', async () => {
  let up = false;
  const status = async (): Promise<HypervisorStatus> =>
    up
      ? { available: true, uri: 'qemu:///system', hostname: 'h', libvirtVersion: '9.0.0', error: null }
      : {
          available: false,
          uri: 'qemu:///system',
          hostname: null,
          libvirtVersion: null,
          error: 'Failed to connect socket',
        };
  // only status() is used by the monitor; the rest of the hypervisor is not touched here
  const hypervisor = { uri: 'qemu:///system', status } as unknown as Hypervisor;
  const seen: boolean[] = [];
  const monitor = createHypervisorMonitor({
    uri: 'qemu:///system',
    log: pino({ level: 'silent' }),
    open: async () => ({ hypervisor, close: async () => undefined }),
    downIntervalMs: 20,
    upIntervalMs: 20,
  });
  monitor.onChange((s) => seen.push(s.available));
  // waits on what the monitor says, however slow the machine: at most 30 s per step
  const until = async (available: boolean) => {
    for (let i = 0; i < 1500 && monitor.status().available !== available; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(monitor.status().available, available);
  };
  await monitor.start();
  assert.equal(monitor.status().available, false);
  assert.throws(() => monitor.get(), { code: 'HYPERVISOR_UNAVAILABLE' });
  up = true;
  await until(true);
  assert.equal(monitor.get(), hypervisor);
  up = false;
  await until(false);
  assert.deepEqual(seen, [false, true, false]);
  await monitor.close();
});

it('closes a connection that was still opening when the monitor closed, and opens none after', async () => {
  const status = async (): Promise<HypervisorStatus> => ({
    available: true,
    uri: 'test:///default',
    hostname: 'h',
    libvirtVersion: '9.0.0',
    error: null,
  });
  const hypervisor = { uri: 'test:///default', status } as unknown as Hypervisor;
  let opens = 0;
  let closes = 0;
  let finishOpen: () => void = () => undefined;
  const monitor = createHypervisorMonitor({
    uri: 'test:///default',
    log: pino({ level: 'silent' }),
    // the bus processes take their time to come up: the monitor is closed meanwhile
    open: () =>
      new Promise((resolve) => {
        opens++;
        finishOpen = () => resolve({ hypervisor, close: async () => void closes++ });
      }),
  });
  const started = monitor.start();
  const closed = monitor.close();
  finishOpen();
  await Promise.all([started, closed]);
  assert.equal(opens, 1);
  assert.equal(closes, 1, 'the connection opened after close() is closed, not leaked');
  assert.throws(() => monitor.get(), { code: 'HYPERVISOR_UNAVAILABLE' });
  await monitor.start();
  assert.equal(opens, 1, 'a closed monitor opens nothing');
});
