// What the server benches share: a data dir with the host's certificate, an administrator and a
// recorded sample (for the bare reference to broadcast), how to start the host and the bare server
// on it, and socket.io watchers that subscribe to either.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { ADMIN, HOST_CLI, REPO, runCli } from '../support/host-process.ts';
import { CookieJar, request } from '../support/https-client.ts';
import { type Started, startServer } from './process-stats.ts';

export const BARE = join(REPO, 'test/bench/fixtures/bare-server.mjs');
const PING = '/api/v1/registration/ping';

export interface BenchHosts {
  dir: string;
  /** the host's certificate, which the bare server uses too */
  ca: string;
  /** `nodeArgs` go before the script (e.g. `--import` a probe) */
  host(opts?: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv }): Promise<Started>;
  bare(opts?: {
    nodeArgs?: string[];
    env?: NodeJS.ProcessEnv;
    broadcast?: boolean;
    periodMs?: number;
  }): Promise<Started>;
  /** a session cookie for the administrator on a running host */
  login(p: Started): Promise<string>;
  remove(): void;
}

/** Starts the host once to make its certificate and state, sets up the administrator, records a sample. */
export async function prepareHosts(): Promise<BenchHosts> {
  const dir = mkdtempSync(join(tmpdir(), 'qx-bench-'));
  const hostArgs = [HOST_CLI, 'serve', '--listen', '127.0.0.1:0', '--data', dir];
  const env = { QUANTIX_LIBVIRT_URI: 'test:///default' };
  const url = (p: Started, path: string) => `https://127.0.0.1:${p.port}${path}`;
  const first = await startServer(hostArgs, PING, '', env);
  const ca = readFileSync(join(dir, 'tls/cert.pem'), 'utf8');
  const samplePath = join(dir, 'sample.json');
  try {
    const code = (await runCli(['setup-code', '--data', dir])).stdout.split('\n')[0] ?? '';
    const jar = new CookieJar();
    jar.store(await request(url(first, '/api/v1/setup'), { method: 'POST', body: { code, ...ADMIN }, ca }));
    const sample = await request(url(first, '/api/v1/host/metrics'), {
      ca,
      headers: { cookie: jar.header() },
    });
    writeFileSync(samplePath, sample.text);
  } finally {
    await first.stop();
  }
  return {
    dir,
    ca,
    host: (o = {}) => startServer([...(o.nodeArgs ?? []), ...hostArgs], PING, ca, { ...env, ...o.env }),
    bare: (o = {}) =>
      startServer(
        [
          ...(o.nodeArgs ?? []),
          BARE,
          join(dir, 'tls'),
          ...(o.broadcast ? [samplePath, String(o.periodMs ?? 1000)] : []),
        ],
        '/ping',
        ca,
        o.env,
      ),
    async login(p) {
      const jar = new CookieJar();
      jar.store(await request(url(p, '/api/v1/auth/login'), { method: 'POST', body: ADMIN, ca }));
      return jar.header();
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type AnySocket = Socket<
  Record<string, (...args: never[]) => void>,
  Record<string, (...args: never[]) => void>
>;

/** Which events a watcher subscribes with and receives: the host's, or the bare server's. */
export const HOST_EVENTS = { subscribe: 'telemetry:subscribe', sample: 'telemetry:sample' } as const;
export const BARE_EVENTS = { subscribe: 'subscribe', sample: 'sample' } as const;

/**
 * Opens watchers up to `n` (50 at a time), each subscribed and calling `onSample` with what it
 * receives. Returns every watcher opened so far on this list; close them with `closeAll`.
 */
export async function addWatchers(
  sockets: AnySocket[],
  n: number,
  p: Started,
  ca: string,
  cookie: string,
  events: typeof HOST_EVENTS | typeof BARE_EVENTS,
  onSample: (sample: { t: number }) => void = () => {},
): Promise<void> {
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
      (s as unknown as Socket).on(events.sample, onSample);
      const args = events === HOST_EVENTS ? [{ historySeconds: 0 }] : [];
      await (s as unknown as Socket).timeout(10_000).emitWithAck(events.subscribe, ...args);
    });
    await Promise.all(batch);
  }
}

export function closeAll(sockets: AnySocket[]): void {
  for (const s of sockets) s.close();
  sockets.length = 0;
}
