// Does the host's memory level off once its hour-long telemetry ring is full? The sampler runs at
// PERIOD_MS instead of 1 s (QUANTIX_BENCH_TELEMETRY_INTERVAL_MS), so the 3,600-sample ring fills in
// RING_S seconds; 50 watchers receive every sample. Beside it, in the same run and for as long,
// the bare express + socket.io server broadcasts the same sample to 50 watchers at the same rate.
// Both carry a probe (fixtures/memory-probe.mjs) reporting RSS, the V8 heap, and the live heap
// after a full collection. Growth is compared from the first full ring to the end, after more than
// two further rings: 2.5 simulated hours at 1 Hz. (RSS at 50 samples a second is not what the host
// holds at 1 Hz: V8 sizes its young generation to the allocation rate. The live heap is.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/host-process.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';
import {
  type AnySocket,
  addWatchers,
  BARE_EVENTS,
  closeAll,
  HOST_EVENTS,
  prepareHosts,
} from './host-fixture.ts';
import type { Started } from './process-stats.ts';

const PERIOD_MS = 20;
const RING = 3600;
const RING_S = (RING * PERIOD_MS) / 1000; // 72 s
const RUN_S = Math.round(RING_S * 3.5); // the first ring, then 2.5 more
const PROBE_EVERY_MS = 5000;
const WATCHERS = 50;
const PROBE = join(REPO, 'test/bench/fixtures/memory-probe.mjs');
const MB = 2 ** 20;

interface ProbeLine {
  t: number;
  rss: number;
  heapUsed: number;
  live: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<BenchResult[]> {
  const hosts = await prepareHosts();
  const probeDir = mkdtempSync(join(tmpdir(), 'qx-probe-'));
  const out = { host: join(probeDir, 'host.jsonl'), bare: join(probeDir, 'bare.jsonl') };
  const probe = (file: string) => ({
    nodeArgs: ['--import', PROBE],
    env: { QX_PROBE_OUT: file, QX_PROBE_EVERY_MS: String(PROBE_EVERY_MS) },
  });
  const started: Started[] = [];
  const sockets = { host: [] as AnySocket[], bare: [] as AnySocket[] };
  try {
    const host = await hosts.host({
      ...probe(out.host),
      env: { ...probe(out.host).env, QUANTIX_BENCH_TELEMETRY_INTERVAL_MS: String(PERIOD_MS) },
    });
    started.push(host);
    const bare = await hosts.bare({ ...probe(out.bare), broadcast: true, periodMs: PERIOD_MS });
    started.push(bare);
    // both fill at once: the host's ring from the first watcher on, the bare one has no ring
    await addWatchers(sockets.host, WATCHERS, host, hosts.ca, await hosts.login(host), HOST_EVENTS);
    await addWatchers(sockets.bare, WATCHERS, bare, hosts.ca, '', BARE_EVENTS);
    const from = Date.now();
    await sleep(RUN_S * 1000 + PROBE_EVERY_MS);
    const series = { host: readProbe(out.host, from), bare: readProbe(out.bare, from) };
    printSeries(series);
    return results(series);
  } finally {
    closeAll(sockets.host);
    closeAll(sockets.bare);
    for (const p of started) await p.stop();
    rmSync(probeDir, { recursive: true, force: true });
    hosts.remove();
  }
}

/** The probe's lines from `from` on, with `s` = seconds since then. */
function readProbe(file: string, from: number): (ProbeLine & { s: number })[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ProbeLine)
    .filter((l) => l.t >= from)
    .map((l) => ({ ...l, s: (l.t - from) / 1000 }));
}

type Series = Record<'host' | 'bare', (ProbeLine & { s: number })[]>;

/** Median of a figure over the probe lines within [s0, s1). */
function level(lines: Series['host'], s0: number, s1: number, pick: (l: ProbeLine) => number): number {
  const xs = lines
    .filter((l) => l.s >= s0 && l.s < s1)
    .map(pick)
    .sort((a, b) => a - b);
  return xs[xs.length >> 1] ?? Number.NaN;
}

type Span = [from: number, to: number];

function results(series: Series): BenchResult[] {
  // the first 20 s, a window just after the ring filled, and the last window of the run
  const start: Span = [0, 20];
  const full: Span = [RING_S, RING_S + 20];
  const end: Span = [RUN_S - 20, RUN_S + 1];
  const rss = (l: ProbeLine) => l.rss;
  const live = (l: ProbeLine) => l.live;
  /** host against bare: how much `pick` changed (MB) from window `a` to window `b` */
  const row = (
    name: string,
    pick: (l: ProbeLine) => number,
    a: Span | null,
    b: Span,
    target: string,
    limit?: number,
  ) => {
    const change = (kind: 'host' | 'bare') =>
      (level(series[kind], ...b, pick) - (a ? level(series[kind], ...a, pick) : 0)) / MB;
    const value = change('host');
    const baseline = change('bare');
    return {
      name,
      value,
      unit: 'MB',
      baseline,
      ratio: ratioOf(value, baseline),
      target,
      ...(limit === undefined ? {} : { pass: value <= limit }),
    };
  };
  return [
    row(`RSS growth, ring full → ${RUN_S} s`, rss, full, end, '≤ 2 MB over 2.5 rings (levels off)', 2),
    row('live heap growth, ring full → end', live, full, end, '≤ 1 MB (nothing retained per sample)', 1),
    row('live heap, first 20 s → ring full', live, start, full, 'info: what the ring holds'),
    row(`RSS at the end, ${WATCHERS} watchers at ${1000 / PERIOD_MS} Hz`, rss, null, end, 'info'),
  ];
}

function printSeries(series: Series): void {
  console.log(
    `# memory over time (MB), ring full at ${RING_S} s:  s  host rss/heap/live  bare rss/heap/live`,
  );
  const fmt = (l: ProbeLine | undefined) =>
    l ? `${(l.rss / MB).toFixed(1)}/${(l.heapUsed / MB).toFixed(1)}/${(l.live / MB).toFixed(1)}` : '';
  for (const [i, h] of series.host.entries()) {
    if (i % 2 !== 0) continue; // every 10 s
    console.log(`# ${h.s.toFixed(0).padStart(4)}  ${fmt(h).padEnd(18)}  ${fmt(series.bare[i])}`);
  }
}
