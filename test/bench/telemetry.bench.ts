// Telemetry sampler cost, against references measured in this same run (the machine is shared):
// (a) CPU per tick vs a bare reader that only preads the same /proc files, (b) processes spawned,
// (c) event-loop delay added, (d) systeminformation for contrast. Loops run at 20 Hz to stay short;
// the cost per tick is then expressed at the real 1 Hz.
import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeSample } from '../../host/src/telemetry/proc-delta.ts';
import { parseLoadavg } from '../../host/src/telemetry/proc-parse.ts';
import { createProcReader, TICK_FILES } from '../../host/src/telemetry/proc-reader.ts';
import { createTelemetrySampler, type TelemetrySampler } from '../../host/src/telemetry/sampler.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';

const PERIOD_MS = 50; // 20 Hz
const TICKS_PER_S = 1000 / PERIOD_MS;
const CPU_ROUNDS = 8;
const CPU_TICKS = 25; // per round and mode: 200 ticks each of empty, bare and sampler
const ELD_ROUNDS = 2;
const ELD_TICKS = 50; // per round: 100 ticks of sampling, and idle windows as long
const HOT_REPS = 2000;
const SI_CALLS = 5;
const USER_HZ = 100; // clock ticks of /proc/self/stat; 100 on every mainstream Linux arch

/** Counts child processes started by this process, sync or async, through any child_process API. */
function installSpawnCounter(): { count(): number; restore(): void } {
  const cp = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const undo: (() => void)[] = [];
  let count = 0;
  // Every async API ends in ChildProcess#spawn; the sync ones reach the internal spawnSync directly.
  const targets: [object, string][] = [
    [cp.ChildProcess.prototype, 'spawn'],
    [cp, 'spawnSync'],
    [cp, 'execSync'],
    [cp, 'execFileSync'],
  ];
  for (const [target, key] of targets) {
    const orig = Reflect.get(target, key) as (...args: unknown[]) => unknown;
    Reflect.set(target, key, function counted(this: unknown, ...args: unknown[]) {
      count++;
      return orig.apply(this, args);
    });
    undo.push(() => Reflect.set(target, key, orig));
  }
  syncBuiltinESMExports();
  return {
    count: () => count,
    restore() {
      for (const u of undo) u();
      syncBuiltinESMExports();
    },
  };
}

/** cutime + cstime of this process (clock ticks): CPU of reaped children, so it grows only if we spawn. */
function childTicks(): number {
  const text = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]); // fields 16 and 17
}

const lastPid = (): number => parseLoadavg(fs.readFileSync('/proc/loadavg', 'utf8')).lastPid;
/** PIDs handed out system-wide since `from` (last field of /proc/loadavg), across a pid_max wrap. */
function pidsSince(from: number): number {
  const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  return (lastPid() - from + pidMax) % pidMax;
}

/** pread of the files the sampler reads each tick, no parsing: the floor for any /proc sampler. */
function createBareReader() {
  const fds = TICK_FILES.map((rel) => fs.openSync(`/proc/${rel}`, 'r'));
  const buf = Buffer.allocUnsafe(64 * 1024);
  return {
    read: () => {
      for (const fd of fds) fs.readSync(fd, buf, 0, buf.length, 0);
    },
    close: () => {
      for (const fd of fds) fs.closeSync(fd);
    },
  };
}

/** `fn` on the same start-aligned setTimeout chain the sampler uses, with its priming call. */
function tickWindow(fn: () => void, ticks: number): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let k = 0;
    const step = (): void => {
      fn();
      if (++k >= ticks) resolve();
      else setTimeout(step, start + (k + 1) * PERIOD_MS - performance.now());
    };
    fn();
    setTimeout(step, PERIOD_MS);
  });
}

function samplerWindow(sampler: TelemetrySampler, ticks: number): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    let release = (): void => {};
    const off = sampler.onSample(() => {
      if (++n < ticks) return;
      off();
      release();
      resolve();
    });
    release = sampler.watch();
  });
}

/** Totals over the windows of one mode; `perWindowUs` is CPU µs per tick of each window. */
type Totals = Record<'cpuUs' | 'ms' | 'pids' | 'childTicks' | 'spawns', number> & { perWindowUs: number[] };
const zero = (): Totals => ({ cpuUs: 0, ms: 0, pids: 0, childTicks: 0, spawns: 0, perWindowUs: [] });
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** Runs one window and adds what it cost to `t`. */
async function measured(
  t: Totals,
  spawns: { count(): number },
  ticks: number,
  h: IntervalHistogram | null,
  fn: () => Promise<unknown>,
): Promise<void> {
  const pid0 = lastPid();
  const children0 = childTicks();
  const spawns0 = spawns.count();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  h?.enable();
  await fn();
  h?.disable();
  const used = process.cpuUsage(cpu0);
  const cpu = used.user + used.system;
  t.cpuUs += cpu;
  t.ms += performance.now() - t0;
  t.perWindowUs.push(cpu / ticks);
  t.spawns += spawns.count() - spawns0;
  t.pids += pidsSince(pid0);
  t.childTicks += childTicks() - children0;
}

async function measureSystemInformation(spawns: { count(): number }) {
  // Imported after the spawn counter is installed, so its captured child_process functions count.
  const si = await import('systeminformation');
  const once = () => Promise.all([si.currentLoad(), si.networkStats(), si.fsStats()]);
  await once(); // warm-up: first calls build caches
  const t = zero();
  for (let i = 0; i < SI_CALLS; i++) {
    await sleep(1000); // at 1 Hz, as a dashboard would call it
    await measured(t, spawns, 1, null, once);
  }
  return t;
}

export async function run(): Promise<BenchResult[]> {
  const spawns = installSpawnCounter();
  const reader = createProcReader();
  const bare = createBareReader();
  const sampler = createTelemetrySampler({ reader, intervalMs: PERIOD_MS });
  try {
    // warm-up: JIT both paths
    await tickWindow(bare.read, 20);
    await samplerWindow(sampler, 20);

    // hot loop: the cost of one pass with no timer around it
    let t0 = performance.now();
    for (let i = 0; i < HOT_REPS; i++) bare.read();
    const bareHotUs = ((performance.now() - t0) * 1000) / HOT_REPS;
    let prev = reader.read();
    t0 = performance.now();
    for (let i = 0; i < HOT_REPS; i++) {
      const cur = reader.read();
      computeSample(prev, cur, Date.now());
      prev = cur;
    }
    const passHotUs = ((performance.now() - t0) * 1000) / HOT_REPS;

    // (a) + (b): interleaved rounds so machine noise hits every mode alike. The empty chain shows
    // what a timer wake-up alone costs here; it is most of a tick for any sampler.
    const cpuEmpty = zero();
    const cpuBare = zero();
    const cpuSampler = zero();
    const noop = (): void => {};
    for (let r = 0; r < CPU_ROUNDS; r++) {
      await measured(cpuEmpty, spawns, CPU_TICKS, null, () => tickWindow(noop, CPU_TICKS));
      await measured(cpuBare, spawns, CPU_TICKS, null, () => tickWindow(bare.read, CPU_TICKS));
      await measured(cpuSampler, spawns, CPU_TICKS, null, () => samplerWindow(sampler, CPU_TICKS));
    }
    if (sampler.running) throw new Error('sampler still running after its last watcher left');

    // (c) + (b): idle vs sampling windows of equal length, event-loop delay monitored in both
    const idle = zero();
    const sampling = zero();
    const hIdle = monitorEventLoopDelay({ resolution: 5 });
    const hSampling = monitorEventLoopDelay({ resolution: 5 });
    for (let r = 0; r < ELD_ROUNDS; r++) {
      await measured(idle, spawns, ELD_TICKS, hIdle, () => sleep(ELD_TICKS * PERIOD_MS));
      await measured(sampling, spawns, ELD_TICKS, hSampling, () => samplerWindow(sampler, ELD_TICKS));
    }

    // (d)
    const siT = await measureSystemInformation(spawns);

    // medians of per-window figures: a burst from another tenant spoils one window, not the result
    const emptyUs = median(cpuEmpty.perWindowUs);
    const bareUs = median(cpuBare.perWindowUs);
    const samplerUs = median(cpuSampler.perWindowUs);
    const pct = (us: number): number => (us / 1e6) * 100; // one tick per second
    const p99 = (h: IntervalHistogram): number => h.percentile(99) / 1e6;
    const samplerSpawns = cpuSampler.spawns + sampling.spawns;
    const childCpu = cpuSampler.childTicks + sampling.childTicks;
    const siCpuUs = (siT.cpuUs + siT.childTicks * (1e6 / USER_HZ)) / SI_CALLS; // own + reaped children
    const eldAdded = p99(hSampling) - p99(hIdle);
    const perSec = (t: Totals): number => (t.pids / t.ms) * 1000;
    const pidRate = perSec(sampling);
    const corePct = pct(samplerUs);
    type Row = [name: string, value: number, unit: string, baseline: number, target: string, pass?: boolean];
    const rows: Row[] = [
      ['telemetry.cpu_per_tick', samplerUs, 'µs', bareUs, '≤ 3× bare /proc reads', samplerUs <= 3 * bareUs],
      ['telemetry.core_at_1hz', corePct, '% core', pct(bareUs), '≤ 0.5 % of a core', corePct <= 0.5],
      ['telemetry.timer_only_tick', emptyUs, 'µs', bareUs, 'info: empty setTimeout chain vs bare'],
      // informs only: no timer wake-up in it, so it isolates our parsing and delta work from that fixed cost
      ['telemetry.pass_hot', passHotUs, 'µs', bareHotUs, 'info: read+parse+delta, tight loop'],
      ['telemetry.spawns', samplerSpawns, 'count', idle.spawns, '0 child_process calls', samplerSpawns === 0],
      ['telemetry.children_cpu', childCpu, 'ticks', idle.childTicks, '0 cutime+cstime', childCpu === 0],
      ['telemetry.system_pids', pidRate, 'pids/s', perSec(idle), 'info: system-wide, shared machine'],
      ['telemetry.eld_p99', p99(hSampling), 'ms', p99(hIdle), '≤ idle + 2 ms', eldAdded <= 2],
      ['si.cpu_per_call', siCpuUs, 'µs', samplerUs, 'info: currentLoad+networkStats+fsStats vs a tick'],
      ['si.spawns_per_call', siT.spawns / SI_CALLS, 'count', 0, 'info: vs sampler'],
      ['si.system_pids_per_call', siT.pids / SI_CALLS, 'pids', pidRate / TICKS_PER_S, 'info: vs a tick'],
      ['si.wall_per_call', siT.ms / SI_CALLS, 'ms', passHotUs / 1000, 'info: vs a sampler pass'],
    ];
    return rows.map(([name, value, unit, baseline, target, pass]) => ({
      name,
      value,
      unit,
      baseline,
      ratio: ratioOf(value, baseline),
      target,
      pass,
    }));
  } finally {
    sampler.close();
    reader.close();
    bare.close();
    spawns.restore();
  }
}
