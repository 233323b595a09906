// Host process vs a bare express + socket.io server started in the same run: start-up time, idle
// RSS, telemetry fan-out latency with 100 clients and CPU with 1,000 clients.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { ADMIN, HOST_CLI, REPO, runCli } from '../support/host-process.ts';
import { CookieJar, request } from '../support/https-client.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';
import { cpuSecondsOf, percentile, rssOf, type Started, startServer } from './process-stats.ts';

const BARE = join(REPO, 'test/bench/fixtures/bare-server.mjs');
const RUNS = 5;
const RSS_RUNS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => percentile(xs, 50);

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'qx-bench-'));
  try {
    return await measure(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string): Promise<BenchResult[]> {
  const hostArgs = [HOST_CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dir];
  const env = { QUANTIX_LIBVIRT_URI: 'test:///default' };
  // First start makes the certificate and state; set up the admin so later starts are steady-state.
  const first = await startServer(hostArgs, '/api/v1/registration/ping', '', env).catch(async () => {
    throw new Error('host failed to start');
  });
  const ca = readFileSync(join(dir, 'tls/cert.pem'), 'utf8');
  const code = (await runCli(['setup-code', '--data', dir])).stdout.split('\n')[0] ?? '';
  const jar = new CookieJar();
  const url = (p: Started, path: string) => `https://127.0.0.1:${p.port}${path}`;
  jar.store(await request(url(first, '/api/v1/setup'), { method: 'POST', body: { code, ...ADMIN }, ca }));
  const sample = (
    await request(url(first, '/api/v1/host/metrics'), { ca, headers: { cookie: jar.header() } })
  ).text;
  const samplePath = join(dir, 'sample.json');
  writeFileSync(samplePath, sample);
  await first.stop();

  // Start-up, interleaved so machine noise hits both alike.
  const start = { host: [] as number[], bare: [] as number[] };
  const launch = (kind: 'host' | 'bare') =>
    kind === 'host'
      ? startServer(hostArgs, '/api/v1/registration/ping', ca, env)
      : startServer([BARE, join(dir, 'tls')], '/ping', ca);
  for (let i = 0; i < RUNS; i++) {
    for (const kind of ['host', 'bare'] as const) {
      const p = await launch(kind);
      start[kind].push(p.startMs);
      await p.stop();
    }
  }
  // RSS twice per process: 2.5 s after start (the tail of start-up, before V8 hands back the
  // young generation it grew) and 15 s after start, idle (after V8's memory reducer has run).
  const rss = { host: [] as number[], bare: [] as number[] };
  const early = { host: [] as number[], bare: [] as number[] };
  for (let i = 0; i < RSS_RUNS; i++) {
    for (const kind of ['host', 'bare'] as const) {
      const p = await launch(kind);
      await sleep(2500);
      early[kind].push(rssOf(p.pid));
      await sleep(12_500);
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
    name: 'idle RSS (15 s after start)',
    value: hostRssMb,
    unit: 'MB',
    baseline: median(rss.bare) / 2 ** 20,
    ratio: rssRatio,
    target: '≤ 70 MB and ≤ 1.25× bare',
    pass: rssRatio <= 1.25 && hostRssMb <= 70,
  });

  // Fan-out: latency with 100 clients; CPU with 1,000 clients, against the bare server doing the same.
  const host = await startServer(hostArgs, '/api/v1/registration/ping', ca, env);
  const login = new CookieJar();
  login.store(await request(url(host, '/api/v1/auth/login'), { method: 'POST', body: ADMIN, ca }));
  const hostFan = await fanOut(host, ca, login.header(), 'telemetry:subscribe', 'telemetry:sample');
  await host.stop();
  const bare = await startServer([BARE, join(dir, 'tls'), samplePath], '/ping', ca);
  const bareFan = await fanOut(bare, ca, '', 'subscribe', 'sample');
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

type AnySocket = Socket<
  Record<string, (...args: never[]) => void>,
  Record<string, (...args: never[]) => void>
>;

async function fanOut(
  p: Started,
  ca: string,
  cookie: string,
  subscribe: string,
  event: string,
): Promise<{ p99: number; cpuPct: number }> {
  const sockets: AnySocket[] = [];
  const latencies: number[] = [];
  let measuring = false;
  const open = async (n: number) => {
    for (let i = sockets.length; i < n; i += 50) {
      const batch = Array.from({ length: Math.min(50, n - i) }, async () => {
        const s = io(`https://127.0.0.1:${p.port}`, {
          transports: ['websocket'],
          reconnection: false,
          ca,
          extraHeaders: { origin: `https://127.0.0.1:${p.port}`, ...(cookie ? { cookie } : {}) },
        }) as unknown as AnySocket;
        sockets.push(s);
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
        (s as unknown as Socket).on(event, (sample: { t: number }) => {
          if (measuring) latencies.push(Date.now() - sample.t);
        });
        await (s as unknown as Socket)
          .timeout(10_000)
          .emitWithAck(subscribe, ...(subscribe === 'subscribe' ? [] : [{ historySeconds: 0 }]));
      });
      await Promise.all(batch);
    }
  };
  try {
    await open(100);
    measuring = true;
    await sleep(10_500);
    measuring = false;
    const p99 = percentile(latencies, 99);
    await open(1000);
    await sleep(2000);
    const c0 = cpuSecondsOf(p.pid);
    const t0 = performance.now();
    await sleep(10_000);
    const cpuPct = ((cpuSecondsOf(p.pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
    return { p99, cpuPct };
  } finally {
    for (const s of sockets) s.close();
  }
}
