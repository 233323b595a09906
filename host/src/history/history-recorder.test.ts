import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TelemetrySample } from '@quantix/shared';
import type { DomainStats } from '../hypervisor/hypervisor.ts';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import type { VmInventory, VmRecord } from '../vms/vm-inventory.ts';
import type { VmStatsSampler } from '../vms/vm-stats-sampler.ts';
import { createHistoryRecorder } from './history-recorder.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;
const root = mkdtempSync(join(tmpdir(), 'qxhist-rec-'));
after(() => rmSync(root, { recursive: true, force: true }));

const UUID = '11111111-2222-4333-8444-555555555555';
const GONE = '99999999-2222-4333-8444-555555555555';

function harness(opts: { available: boolean; dir: string; loaded?: boolean; sweepMs?: number }) {
  let loadedAsked = 0;
  let clock = Date.UTC(2026, 5, 1, 12, 0, 0);
  let feedStats: (s: DomainStats[], t: number) => void = () => {};
  let feedSample: (s: TelemetrySample) => void = () => {};
  let change: (uuid: string, r: VmRecord | undefined) => void = () => {};
  let watching = 0;
  const records = new Map<string, VmRecord>([[UUID, { info: { uuid: UUID, name: 'web' } } as VmRecord]]);
  const recorder = createHistoryRecorder({
    dir: opts.dir,
    sampler: {
      onSample: (fn: (s: TelemetrySample) => void) => {
        feedSample = fn;
        return () => {};
      },
      watch: () => {
        watching++;
        return () => {
          watching--;
        };
      },
      history: () => [],
    } as unknown as TelemetrySampler,
    vmStats: {
      onStats: (fn: (s: DomainStats[], t: number) => void) => {
        feedStats = fn;
        return () => {};
      },
      background: () => () => {},
    } as unknown as VmStatsSampler,
    inventory: {
      all: () => [...records.values()],
      get: (u: string) => records.get(u),
      ready: async () => {},
      loaded: () => {
        loadedAsked++;
        return opts.loaded ?? true;
      },
      onChange: (fn: (uuid: string, r: VmRecord | undefined) => void) => {
        change = fn;
        return () => {};
      },
    } as unknown as VmInventory,
    hypervisorAvailable: () => opts.available,
    log: silent,
    now: () => clock,
    sweepMs: opts.sweepMs,
  });
  const stats = (cpuNs: number): DomainStats[] => [
    {
      name: 'web',
      state: 'running',
      cpuTimeNs: cpuNs,
      vcpus: 1,
      balloonCurrentKiB: 1024,
      balloonMaxKiB: 1024,
      balloonUnusedKiB: 512,
      blockReadBytes: cpuNs / 1000,
      blockWriteBytes: 0,
      netRxBytes: 0,
      netTxBytes: 0,
    },
  ];
  return {
    recorder,
    records,
    watching: () => watching,
    loadedAsked: () => loadedAsked,
    tick(cpuNs: number) {
      clock += 10_000;
      feedStats(stats(cpuNs), clock);
    },
    sample(cpu: number) {
      feedSample({
        t: clock,
        interval: 1,
        cpu: { total: cpu, user: cpu, system: 0, iowait: 0, steal: 0, cores: [cpu] },
        load: [1, 1, 1],
        memory: { total: 100, available: 50, used: 50 },
        swap: { total: 0, used: 0 },
        disk: { readBps: 0, writeBps: 0 },
        net: { rxBps: 0, txBps: 0, interfaces: [] },
        filesystems: [],
        uptime: 1,
      });
    },
    remove(uuid: string) {
      records.delete(uuid);
      change(uuid, undefined);
    },
  };
}

describe('history recorder', () => {
  it('records the host and a VM without a viewer, and removes a deleted VM’s file', async () => {
    const dir = join(root, 'a');
    const h = harness({ available: true, dir });
    await h.recorder.start();
    assert.equal(h.watching(), 1, 'the host sampler is kept running');
    h.sample(40);
    h.sample(60);
    const host = await h.recorder.host('day');
    assert.equal(host.points.length, 1);
    assert.equal(host.points[0]?.avg[0], 50);
    assert.equal(host.points[0]?.max[0], 60);
    h.tick(0);
    h.tick(5e9); // 5 s of CPU over 10 s: 50 %
    const day = await h.recorder.vm(UUID, 'day');
    assert.equal(day.points.length, 1);
    assert.equal(day.points[0]?.avg[0], 50);
    assert.equal(day.points[0]?.avg[1], 512 * 1024);
    const hour = await h.recorder.vm(UUID, 'hour');
    assert.equal(hour.points.at(-1)?.avg[2], 500_000, 'disk read bytes/s');
    await h.recorder.flush();
    const file = join(dir, `vm-${UUID}.rrd`);
    assert.ok(existsSync(file));
    h.remove(UUID);
    for (let i = 0; i < 50 && existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(file), false);
    await assert.rejects(h.recorder.vm(UUID, 'day'), { code: 'VM_NOT_FOUND' });
    await h.recorder.close();
    assert.equal(h.watching(), 0);
  });

  it('sweeps files of VMs deleted while it was down — only while libvirt answers', async () => {
    for (const available of [false, true]) {
      const dir = join(root, `sweep-${available}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `vm-${GONE}.rrd`), 'x');
      writeFileSync(join(dir, 'host.rrd.tmp-123'), 'x');
      const h = harness({ available, dir, sweepMs: 20 });
      await h.recorder.start();
      // available: until the sweep removed it (bounded); not: ten sweep periods, in which it must stay
      for (let i = 0; i < 100 && (available ? existsSync(join(dir, `vm-${GONE}.rrd`)) : i < 10); i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(existsSync(join(dir, `vm-${GONE}.rrd`)), !available);
      await h.recorder.close();
    }
  });

  it('removes a file only when its VM was missing on two sweeps in a row', async () => {
    const dir = join(root, 'sweep-once');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `vm-${GONE}.rrd`), 'x');
    writeFileSync(join(dir, 'host.rrd.tmp-1'), 'x');
    // one sweep (the next is an hour away): the temp file goes, the VM's file stays
    const h = harness({ available: true, dir });
    await h.recorder.start();
    for (let i = 0; i < 100 && existsSync(join(dir, 'host.rrd.tmp-1')); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(join(dir, 'host.rrd.tmp-1')), false);
    assert.equal(existsSync(join(dir, `vm-${GONE}.rrd`)), true);
    await h.recorder.close();
  });

  it('never sweeps after a full inventory load that failed (an empty inventory)', async () => {
    const dir = join(root, 'sweep-unloaded');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `vm-${GONE}.rrd`), 'x');
    writeFileSync(join(dir, `vm-${UUID}.rrd`), 'x');
    const h = harness({ available: true, dir, loaded: false, sweepMs: 10 });
    await h.recorder.start();
    // several sweeps have asked the inventory whether its load succeeded
    for (let i = 0; i < 200 && h.loadedAsked() < 4; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(h.loadedAsked() >= 4);
    assert.equal(existsSync(join(dir, `vm-${GONE}.rrd`)), true);
    await h.recorder.close();
  });
});
