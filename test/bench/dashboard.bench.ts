// What an open dashboard tab costs the browser: CPU time of every chromium process (from /proc)
// while the dashboard shows live charts, against the same browser on a blank page of the same
// server in the same run, windows interleaved so machine noise hits both alike. The charts are
// measured full: the subscribe ack is given five minutes of history (as an hour-old host would
// have), so every chart draws ~300 points from the start. Also: bytes of the first load, and the
// host's own CPU while it serves the dashboard.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TelemetrySample } from '@quantix/shared';
import type { Page, WebSocketRoute } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { REPO, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';
import { cpuSecondsOf, exeOf, treeCpuSeconds } from './process-stats.ts';

const ROUNDS = 2;
const WINDOW_S = 30; // per round and page: a minute of each in all
const SETTLE_MS = 4000; // after a navigation, before its window starts
const HISTORY = 300;
const TARGET_PCT = 2;
const SHOTS = join(REPO, 'test-output', 'bench');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isChromium = (pid: number) => exeOf(pid).startsWith('/usr/lib/chromium/');

export async function run(): Promise<BenchResult[]> {
  const data = tempDataDir('qx-dashbench-');
  const host = await startHost({ dataDir: data.dir });
  const chrome = await launchChromium().catch(async (err) => {
    await host.stop();
    data.remove();
    throw err;
  });
  try {
    return await measure(host, chrome.context);
  } finally {
    await chrome.close();
    await host.stop();
    data.remove();
  }
}

async function measure(
  host: RunningHost,
  context: Awaited<ReturnType<typeof launchChromium>>['context'],
): Promise<BenchResult[]> {
  const jar = await setupAdmin(host);
  const template = (await host.api('/api/v1/host/metrics', { jar })).json as TelemetrySample;
  const [name, value] = jar.header().split(/=(.*)/s);
  await context.addCookies([{ name: name ?? '', value: value ?? '', url: host.url }]);
  await context.routeWebSocket(/\/socket\.io\//, (ws) => withHistory(ws, template));

  const page = await context.newPage();
  const bytes = await firstLoadBytes(page, host);
  const blankUrl = `${host.url}/favicon.svg`;
  await page.goto(blankUrl);

  // % of a core per page, chromium and host, summed over the rounds
  const windows = { blank: zero(), dashboard: zero() };
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of ['blank', 'dashboard'] as const) {
      if (kind === 'blank') await page.goto(blankUrl);
      else await openDashboard(page, host);
      add(windows[kind], await cpuWindow(host));
    }
  }
  const points = Number(await page.getByTestId('chart-cpu').getAttribute('data-samples'));
  if (points < HISTORY * 0.95) throw new Error(`the CPU chart drew ${points} points, expected ~${HISTORY}`);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'dashboard-full.png') });

  // a background tab: headless chromium never hides a page, so tell the page it is hidden
  await setHidden(page, true);
  const hidden = await cpuWindow(host);
  await setHidden(page, false);

  const blank = pct(windows.blank, 'chromium');
  const dashboard = pct(windows.dashboard, 'chromium');
  return [
    {
      name: 'dashboard tab, chromium CPU',
      value: dashboard,
      unit: '% of a core',
      baseline: blank,
      ratio: ratioOf(dashboard, blank),
      target: `≤ ${TARGET_PCT} % of a core`,
      pass: dashboard <= TARGET_PCT,
    },
    {
      name: 'dashboard tab, chromium CPU above blank',
      value: dashboard - blank,
      unit: '% of a core',
      baseline: blank,
      ratio: ratioOf(dashboard - blank, blank),
      target: 'info: what the dashboard adds',
    },
    {
      name: 'dashboard tab hidden, chromium CPU',
      value: pct(hidden, 'chromium'),
      unit: '% of a core',
      baseline: blank,
      ratio: ratioOf(pct(hidden, 'chromium'), blank),
      target: 'info: ≈ blank',
    },
    {
      name: 'host CPU serving the dashboard',
      value: pct(windows.dashboard, 'host'),
      unit: '% of a core',
      baseline: pct(windows.blank, 'host'),
      ratio: ratioOf(pct(windows.dashboard, 'host'), pct(windows.blank, 'host')),
      target: 'info: vs the same host, blank page',
    },
    {
      name: 'first load, bytes on the wire',
      value: bytes.wire / 1024,
      unit: 'KB',
      baseline: bytes.decoded / 1024,
      ratio: ratioOf(bytes.wire, bytes.decoded),
      target: 'info: vs decoded size',
    },
  ];
}

/** CPU seconds of chromium and of the host over one window, and its length in seconds. */
interface Window {
  chromium: number;
  host: number;
  seconds: number;
}
const zero = (): Window => ({ chromium: 0, host: 0, seconds: 0 });
const add = (to: Window, w: Window) => {
  to.chromium += w.chromium;
  to.host += w.host;
  to.seconds += w.seconds;
};
const pct = (w: Window, who: 'chromium' | 'host') => (w[who] / w.seconds) * 100;

/** Lets the page settle, then measures one window. */
async function cpuWindow(host: RunningHost): Promise<Window> {
  await sleep(SETTLE_MS);
  const c0 = treeCpuSeconds(process.pid, isChromium);
  const h0 = cpuSecondsOf(host.pid);
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  return {
    chromium: treeCpuSeconds(process.pid, isChromium) - c0,
    host: cpuSecondsOf(host.pid) - h0,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Logs nothing in: the session cookie is already in the context. Waits for live charts. */
async function openDashboard(page: Page, host: RunningHost): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('chart-cpu').waitFor();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="chart-cpu"]')?.getAttribute('data-samples')) > 2,
  );
}

/** Transfer size (encoded body + headers) and decoded size of everything the first load fetched. */
async function firstLoadBytes(page: Page, host: RunningHost): Promise<{ wire: number; decoded: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const sizes = new Map<string, { wire: number; decoded: number }>();
  cdp.on('Network.dataReceived', (e) => {
    const s = sizes.get(e.requestId) ?? { wire: 0, decoded: 0 };
    s.decoded += e.dataLength;
    sizes.set(e.requestId, s);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const s = sizes.get(e.requestId) ?? { wire: 0, decoded: 0 };
    s.wire = e.encodedDataLength;
    sizes.set(e.requestId, s);
  });
  await openDashboard(page, host);
  await sleep(1000);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.detach();
  let wire = 0;
  let decoded = 0;
  for (const s of sizes.values()) {
    wire += s.wire;
    decoded += s.decoded;
  }
  return { wire, decoded };
}

/** Passes socket.io through, adding synthetic history to the `telemetry:subscribe` ack. */
function withHistory(ws: WebSocketRoute, template: TelemetrySample): void {
  const server = ws.connectToServer();
  ws.onMessage((m) => server.send(m));
  server.onMessage((m) => {
    // an ack frame: `43<id>[{"ok":true,"data":{"history":[…]}}]`
    const ack = typeof m === 'string' ? /^43(\d+)(\[.*\])$/s.exec(m) : null;
    const body = ack ? (JSON.parse(ack[2] ?? '[]') as [{ data?: { history?: TelemetrySample[] } }]) : null;
    const history = body?.[0]?.data?.history;
    if (!ack || !body || !history) return ws.send(m);
    // fill every second of the window the host has no sample for (before it started, and while
    // only the blank page was open and nobody watched)
    const near = (t: number) => history.some((s) => Math.abs(s.t - t) < 500);
    const made = synthetic(template, Date.now() - 1000).filter((s) => !near(s.t));
    (body[0].data as { history: TelemetrySample[] }).history = [...made, ...history].sort(
      (a, b) => a.t - b.t,
    );
    ws.send(`43${ack[1]}${JSON.stringify(body)}`);
  });
}

/** HISTORY samples, one a second up to `end`, values wandering like a lightly used host's. */
function synthetic(template: TelemetrySample, end: number): TelemetrySample[] {
  const out: TelemetrySample[] = [];
  for (let i = HISTORY - 1; i >= 0; i--) {
    const wave = (period: number, amp: number) =>
      amp * (1 + Math.sin(((end - i * 1000) / 1000 / period) * 2 * Math.PI));
    out.push({
      ...template,
      t: end - i * 1000,
      cpu: { ...template.cpu, total: Math.min(100, 5 + wave(37, 10) + ((i * 7) % 5)) },
      memory: { ...template.memory, used: Math.round(template.memory.used * (0.9 + wave(113, 0.05))) },
      disk: { readBps: Math.round(wave(23, 2e5)), writeBps: Math.round(wave(41, 5e5)) },
      net: { ...template.net, rxBps: Math.round(wave(17, 3e4)), txBps: Math.round(wave(29, 1e4)) },
    });
  }
  return out;
}

/** Makes the page believe it is (not) hidden, as a background tab is, and tells it so. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  // no function inside: tsx would name it with a helper the page does not have
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      value: h ? 'hidden' : 'visible',
    });
    Object.defineProperty(document, 'hidden', { configurable: true, value: h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}
