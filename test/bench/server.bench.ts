// Host process vs a bare express + socket.io server started in the same run: start-up time, idle
// RSS, telemetry fan-out latency with 100 clients and CPU with 1,000 clients.
import { type BenchResult, ratioOf } from './bench-types.ts';
import {
  type AnySocket,
  addWatchers,
  BARE_EVENTS,
  type BenchHosts,
  closeAll,
  HOST_EVENTS,
  prepareHosts,
} from './host-fixture.ts';
import { cpuSecondsOf, percentile, rssOf, type Started } from './process-stats.ts';

const RUNS = 5;
const RSS_RUNS = 2;
const IDLE_S = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => percentile(xs, 50);

export async function run(): Promise<BenchResult[]> {
  const hosts = await prepareHosts();
  try {
    return await measure(hosts);
  } finally {
    hosts.remove();
  }
}

async function measure(hosts: BenchHosts): Promise<BenchResult[]> {
  const launch = (kind: 'host' | 'bare') => (kind === 'host' ? hosts.host() : hosts.bare());
  // Start-up, interleaved so machine noise hits both alike.
  const start = { host: [] as number[], bare: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    for (const kind of ['host', 'bare'] as const) {
      const p = await launch(kind);
      start[kind].push(p.startMs);
      await p.stop();
    }
  }
  // RSS twice per process: 2.5 s after start (the tail of start-up, before V8 hands back the
  // young generation it grew) and 20 s after start, idle (after V8's memory reducer has run).
  const rss = { host: [] as number[], bare: [] as number[] };
  const early = { host: [] as number[], bare: [] as number[] };
  for (let i = 0; i < RSS_RUNS; i++) {
    for (const kind of ['host', 'bare'] as const) {
      const p = await launch(kind);
      await sleep(2500);
      early[kind].push(rssOf(p.pid));
      await sleep(IDLE_S * 1000 - 2500);
      rss[kind].push(rssOf(p.pid));
      await p.stop();
    }
  }
  const results: BenchResult[] = [];
  const startRatio = ratioOf(median(start.host), median(start.bare));
  results.push({
    name: 'start to first HTTPS 200',
    value: median(start.host),
    unit: 'ms',
    baseline: median(start.bare),
    ratio: startRatio,
    target: '≤ 1.5× bare',
    pass: startRatio <= 1.5,
  });
  results.push({
    name: 'RSS 2.5 s after start',
    value: median(early.host) / 2 ** 20,
    unit: 'MB',
    baseline: median(early.bare) / 2 ** 20,
    ratio: ratioOf(median(early.host), median(early.bare)),
    target: 'info: start-up tail',
  });
  const rssRatio = ratioOf(median(rss.host), median(rss.bare));
  const hostRssMb = median(rss.host) / 2 ** 20;
  results.push({
    name: `idle RSS (${IDLE_S} s after start)`,
    value: hostRssMb,
    unit: 'MB',
    baseline: median(rss.bare) / 2 ** 20,
    ratio: rssRatio,
    target: '≤ 70 MB and ≤ 1.25× bare',
    pass: rssRatio <= 1.25 && hostRssMb <= 70,
  });

  // Fan-out: latency with 100 clients; CPU with 1,000 clients, against the bare server doing the same.
  const host = await hosts.host();
  const hostFan = await fanOut(host, hosts.ca, await hosts.login(host), HOST_EVENTS);
  await host.stop();
  const bare = await hosts.bare({ broadcast: true });
  const bareFan = await fanOut(bare, hosts.ca, '', BARE_EVENTS);
  await bare.stop();

  results.push({
    name: 'sample→client latency p99, 100 clients',
    value: hostFan.p99,
    unit: 'ms',
    baseline: bareFan.p99,
    ratio: ratioOf(hostFan.p99, bareFan.p99),
    target: '≤ 50 ms',
    pass: hostFan.p99 <= 50,
  });
  results.push({
    name: 'CPU with 100 clients at 1 Hz',
    value: hostFan.cpu100,
    unit: '% of a core',
    baseline: bareFan.cpu100,
    ratio: ratioOf(hostFan.cpu100, bareFan.cpu100),
    target: 'info',
  });
  results.push({
    name: 'CPU with 1,000 clients at 1 Hz',
    value: hostFan.cpuPct,
    unit: '% of a core',
    baseline: bareFan.cpuPct,
    ratio: ratioOf(hostFan.cpuPct, bareFan.cpuPct),
    target: '≤ 5 % of a core',
    pass: hostFan.cpuPct <= 5,
  });
  return results;
}

async function fanOut(
  p: Started,
  ca: string,
  cookie: string,
  events: typeof HOST_EVENTS | typeof BARE_EVENTS,
): Promise<{ p99: number; cpu100: number; cpuPct: number }> {
  const sockets: AnySocket[] = [];
  const latencies: number[] = [];
  let measuring = false;
  const onSample = (sample: { t: number }) => {
    if (measuring) latencies.push(Date.now() - sample.t);
  };
  try {
    await addWatchers(sockets, 100, p, ca, cookie, events, onSample);
    await sleep(2000);
    measuring = true;
    const cpu100 = await cpuPctOver(p.pid, 10_500);
    measuring = false;
    const p99 = percentile(latencies, 99);
    await addWatchers(sockets, 1000, p, ca, cookie, events, onSample);
    await sleep(2000);
    return { p99, cpu100, cpuPct: await cpuPctOver(p.pid, 10_000) };
  } finally {
    closeAll(sockets);
  }
}

/** % of a core used by `pid` over the next `ms`. */
async function cpuPctOver(pid: number, ms: number): Promise<number> {
  const c0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  await sleep(ms);
  return ((cpuSecondsOf(pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
}
