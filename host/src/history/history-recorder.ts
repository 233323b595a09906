// Records the host's and every VM's metrics whether or not anyone watches: the host sampler runs
// always (1 s, its hour-long ring is the "hour" range), the VM stats sampler makes its bulk call
// every 10 s in the background (every second while someone watches the VM list). Each sample is
// added to the round-robin files (host.rrd, vm-<uuid>.rrd under <data>/history), which are
// flushed once a minute with small positioned writes.
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  HOST_HISTORY_METRICS,
  type HistoryRange,
  type HistorySeries,
  type TelemetrySample,
  VM_HISTORY_METRICS,
} from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import type { VmInventory } from '../vms/vm-inventory.ts';
import type { VmStatsSampler } from '../vms/vm-stats-sampler.ts';
import { RANGE_PLAN, rangeSeconds, rebin, specOf } from './history-bins.ts';
import { createMemoryRing, type MemoryRing } from './memory-ring.ts';
import { openRrd, type RrdFile } from './rrd-file.ts';
import type { Slot } from './rrd-slot.ts';
import { createVmRates } from './vm-rates.ts';

export const VM_BACKGROUND_MS = 10_000;
const VM_RING_STEP = 10;
const HOST_HOUR_BIN = 5;
const FLUSH_MS = 60_000;
const SWEEP_MS = 3_600_000;
/** samples kept per VM while its file is being created */
const EARLY_MAX = 600;

export interface HistoryRecorder {
  start(): Promise<void>;
  host(range: HistoryRange): Promise<HistorySeries>;
  /** VM_NOT_FOUND unless the VM is in the inventory */
  vm(uuid: string, range: HistoryRange): Promise<HistorySeries>;
  /** writes what is pending (also on close) */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const hostValues = (s: TelemetrySample): number[] => [
  s.cpu.total,
  s.memory.used,
  s.memory.total,
  s.disk.readBps,
  s.disk.writeBps,
  s.net.rxBps,
  s.net.txBps,
  s.load[0],
];

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export function createHistoryRecorder(deps: {
  dir: string;
  sampler: TelemetrySampler;
  vmStats: VmStatsSampler;
  inventory: VmInventory;
  /** the sweep of deleted VMs' files runs only while libvirt answers (else every VM looks deleted) */
  hypervisorAvailable: () => boolean;
  log: Logger;
  now?: () => number;
  flushMs?: number;
  sweepMs?: number;
}): HistoryRecorder {
  const { dir, log } = deps;
  const now = deps.now ?? Date.now;
  const hostSpec = specOf(HOST_HISTORY_METRICS);
  const vmSpec = specOf(VM_HISTORY_METRICS);
  const rates = createVmRates();
  let hostFile: RrdFile | null = null;
  const vmFiles = new Map<string, RrdFile>();
  const rings = new Map<string, MemoryRing>();
  const early = new Map<string, [number, (number | null)[]][]>();
  // files are created one at a time (each is written whole once): no burst of 500 at start
  const opening = new Set<string>();
  let openChain: Promise<unknown> = Promise.resolve();
  const stops: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const vmPath = (uuid: string) => join(dir, `vm-${uuid}.rrd`);

  /** opens (creating at need) a VM's file, one at a time; resolves when it is open or failed */
  const openVm = (uuid: string, create = true): Promise<unknown> => {
    if (opening.has(uuid)) return openChain;
    opening.add(uuid);
    openChain = openChain.then(async () => {
      try {
        if (closed || vmFiles.has(uuid) || !deps.inventory.get(uuid)) return;
        if (!create && !(await exists(vmPath(uuid)))) return;
        const file = await openRrd(vmPath(uuid), vmSpec, now() / 1000);
        for (const [t, v] of early.get(uuid) ?? []) file.add(t, v);
        early.delete(uuid);
        vmFiles.set(uuid, file);
      } catch (err) {
        log.warn({ err, vm: uuid }, 'history: cannot open the VM history file');
      } finally {
        opening.delete(uuid);
      }
    });
    return openChain;
  };

  const onStats = (stats: Parameters<Parameters<VmStatsSampler['onStats']>[0]>[0], t: number) => {
    const values = rates.update(stats, t);
    if (values.size === 0) return;
    const byName = new Map(deps.inventory.all().map((r) => [r.info.name, r.info.uuid]));
    for (const [name, v] of values) {
      const uuid = byName.get(name);
      if (!uuid || v.every((x) => x === null)) continue;
      let ring = rings.get(uuid);
      if (!ring) {
        ring = createMemoryRing(VM_HISTORY_METRICS.length, VM_RING_STEP, 3600 / VM_RING_STEP);
        rings.set(uuid, ring);
      }
      ring.add(t / 1000, v);
      const file = vmFiles.get(uuid);
      if (file) file.add(t / 1000, v);
      else {
        // kept until its file is open (creating it takes a moment, and files open one at a time)
        const waiting = early.get(uuid) ?? [];
        if (waiting.length < EARLY_MAX) waiting.push([t / 1000, v]);
        early.set(uuid, waiting);
        void openVm(uuid);
      }
    }
  };

  const forget = async (uuid: string) => {
    vmFiles.delete(uuid);
    rings.delete(uuid);
    early.delete(uuid);
    await openChain; // a file being created for it lands first
    vmFiles.delete(uuid);
    await rm(vmPath(uuid), { force: true });
    log.info({ vm: uuid }, 'history: removed the history of a deleted VM');
  };

  /** VMs whose file the last sweep found without a VM: removed if the next sweep agrees */
  let suspects = new Set<string>();
  /**
   * Removes the files of VMs that are gone (deleted while the host was down) and stray temp files.
   * Only after a full inventory load that succeeded (a failed one leaves it empty, and every VM
   * would look deleted), and only a file whose VM was missing on two sweeps in a row.
   */
  const sweep = async () => {
    if (closed || !deps.hypervisorAvailable()) return;
    await deps.inventory.ready();
    if (!deps.hypervisorAvailable() || !deps.inventory.loaded()) return;
    const missing = new Set<string>();
    for (const name of await readdir(dir)) {
      if (name.includes('.tmp-')) await rm(join(dir, name), { force: true });
      const m = /^vm-([0-9a-f-]{36})\.rrd$/.exec(name);
      if (m?.[1] && !deps.inventory.get(m[1])) missing.add(m[1]);
    }
    for (const uuid of missing) if (suspects.has(uuid)) await forget(uuid);
    suspects = new Set([...missing].filter((u) => !suspects.has(u)));
  };

  const flush = async () => {
    const files = [hostFile, ...vmFiles.values()].filter((f): f is RrdFile => f !== null);
    for (const [i, f] of files.entries()) {
      try {
        await f.flush();
      } catch (err) {
        log.warn({ err, file: f.path }, 'history: write failed');
      }
      // let other work in between: each file's writes are synchronous
      if (i % 25 === 24) await new Promise((r) => setImmediate(r));
    }
  };

  const scheduleFlush = () => {
    if (closed) return;
    const every = deps.flushMs ?? FLUSH_MS;
    // just after each minute's end, so the minute that ended goes out whole
    const delay = every - (now() % every) + 1000;
    timer = setTimeout(() => void flush().finally(scheduleFlush), delay);
    timer.unref();
  };

  const series = (
    range: HistoryRange,
    metrics: readonly string[],
    stepSeconds: number,
    slots: readonly Slot[],
    to: number,
  ): HistorySeries => ({
    range,
    stepSeconds,
    from: to - rangeSeconds(range) * 1000,
    to,
    metrics: [...metrics],
    points: rebin(slots, stepSeconds),
  });

  const fromFile = async (file: RrdFile | undefined | null, range: Exclude<HistoryRange, 'hour'>) => {
    const to = now();
    const plan = RANGE_PLAN[range];
    const slots = file ? await file.read(plan.archive, to / 1000 - rangeSeconds(range), to / 1000 + 1) : [];
    return { to, plan, slots };
  };

  return {
    async start() {
      await mkdir(dir, { recursive: true });
      hostFile = await openRrd(join(dir, 'host.rrd'), hostSpec, now() / 1000);
      stops.push(deps.sampler.onSample((s) => hostFile?.add(s.t / 1000, hostValues(s))));
      stops.push(deps.sampler.watch());
      stops.push(deps.vmStats.onStats(onStats));
      stops.push(deps.vmStats.background(VM_BACKGROUND_MS));
      stops.push(
        deps.inventory.onChange((uuid, record) => {
          if (!record && (vmFiles.has(uuid) || rings.has(uuid)))
            void forget(uuid).catch((err: unknown) => log.warn({ err }, 'history: remove failed'));
        }),
      );
      scheduleFlush();
      const sweepLoop = () => {
        void sweep()
          .catch((err: unknown) => log.warn({ err }, 'history: sweep failed'))
          .finally(() => {
            if (closed) return;
            sweepTimer = setTimeout(sweepLoop, deps.sweepMs ?? SWEEP_MS);
            sweepTimer.unref();
          });
      };
      sweepLoop();
    },
    async host(range) {
      if (range === 'hour') {
        const to = now();
        const slots = deps.sampler.history(3600).map(
          (s): Slot => ({
            start: Math.floor(s.t / 1000),
            n: 1,
            avg: Float64Array.from(hostValues(s)),
            max: Float64Array.from(hostValues(s)),
          }),
        );
        return series(range, HOST_HISTORY_METRICS, HOST_HOUR_BIN, slots, to);
      }
      const { to, plan, slots } = await fromFile(hostFile, range);
      return series(range, HOST_HISTORY_METRICS, plan.binSec, slots, to);
    },
    async vm(uuid, range) {
      if (!deps.inventory.get(uuid)) throw new AppError('VM_NOT_FOUND', `no VM ${uuid}`);
      if (range === 'hour') {
        const to = now();
        const slots = rings.get(uuid)?.read(to / 1000 - 3600, to / 1000 + 1) ?? [];
        return series(range, VM_HISTORY_METRICS, VM_RING_STEP, slots, to);
      }
      // a VM stopped since the host started has its file from before: open it to read
      if (!vmFiles.has(uuid)) await openVm(uuid, early.has(uuid));
      const { to, plan, slots } = await fromFile(vmFiles.get(uuid), range);
      return series(range, VM_HISTORY_METRICS, plan.binSec, slots, to);
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      clearTimeout(sweepTimer);
      for (const stop of stops.splice(0)) stop();
      await openChain.catch(() => {});
      await flush();
    },
  };
}
