// A host simulator: N hosts' links to one hub from ONE process, for the hub benches
// (hub-links.bench.ts). Each simulated host is the real host's link client — createHubLink (the
// PinnedAgent, the keying-material signature per connection, the reconnect backoff) and
// attachLinkSession (the status at once and every 5 s, hub:watch, hub:command through the real
// dispatch, hub:forget) — with a fake status source (a ~2 KB HostStatus) and one command handler
// (`vms.list`, answered with an empty list). All simulated hosts share ONE key and certificate:
// distinct host ids, the same pinned SPKI. That keeps the simulator cheap (one key to sign with) and
// changes nothing the hub does per link: it verifies each connection's signature and compares SPKIs.
//
// Run as a child process (its CPU is then not the hub's): the parent spawns it with
// `spawnSimulator` and drives it over IPC. Nothing runs on import unless this file is the entry.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostPoolStatus, HostStatus } from '@quantix/shared';
import { ensureCertificate, type HostCertificate } from '@quantix/shared/server';
import pino from 'pino';
import { createDispatch } from '../../host/src/hub-link/commands/dispatch.ts';
import { createHubLink, type HubLink } from '../../host/src/hub-link/hub-link.ts';
import { attachLinkSession } from '../../host/src/hub-link/link-session.ts';

export interface SimulatedHost {
  hostId: string;
  hostname: string;
}

export interface SimulatorInit {
  hubUrl: string;
  hubSpki: string;
  /** where the shared key and certificate are (made with ensureCertificate on first use) */
  certDir: string;
  version: string;
  hosts: SimulatedHost[];
}

/** parent → child */
type ToSim =
  | { type: 'init'; init: SimulatorInit }
  | { type: 'connect'; id: number; from: number; to: number; concurrency: number; perSecond: number }
  | { type: 'stop'; id: number };

/** One link coming up or going down: the host's index and the wall-clock time (ms, fractional). */
export type Edge = [index: number, at: number];

/** child → parent */
type FromSim =
  | { type: 'ready' }
  | { type: 'edges'; dials: Edge[]; ups: Edge[]; downs: Edge[]; refused: number; failed: number }
  | { type: 'done'; id: number };

/** The same clock in every process of the machine, finer than Date.now(). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** ~2 KB of pools: what a host with a score of storage pools reports in every heartbeat. */
const POOLS: HostPoolStatus[] = Array.from({ length: 20 }, (_, i) => ({
  name: `pool-${String(i).padStart(2, '0')}-${i % 3 === 0 ? 'images' : i % 3 === 1 ? 'vm-disks' : 'iso'}`,
  state: 'running',
  capacity: 1_099_511_627_776 + i * 4_294_967_296,
  available: 549_755_813_888 - i * 1_073_741_824,
}));

export function simulatedStatus(host: SimulatedHost, version: string): HostStatus {
  return {
    at: new Date().toISOString(),
    hostname: host.hostname,
    version,
    hypervisorAvailable: true,
    cpuPercent: Math.round(Math.random() * 10_000) / 100,
    cpuCount: 64,
    memoryTotalBytes: 270_582_939_648,
    memoryUsedBytes: 100_000_000_000 + Math.round(Math.random() * 1e9),
    vms: { total: 24, running: 20 },
    pools: POOLS,
  };
}

/** The parent's handle on a running simulator. */
export interface Simulator {
  pid: number;
  /** index → up since (wall ms), for the hosts whose link is up now */
  up: Map<number, number>;
  /** every dial start, link up and link down so far, in arrival order */
  dials: Edge[];
  ups: Edge[];
  downs: Edge[];
  refused: number;
  failed: number;
  /**
   * Starts the links of hosts [from, to): at most `concurrency` handshakes in flight and
   * `perSecond` started per second. Resolves when each has come up, or been refused or failed once
   * (it then keeps dialling with the host's backoff by itself).
   */
  connect(from: number, to: number, o: { concurrency: number; perSecond: number }): Promise<void>;
  /** stops every link (as a host shutting down would) */
  stopLinks(): Promise<void>;
  /** kills the simulator process */
  kill(): Promise<void>;
}

export async function spawnSimulator(init: SimulatorInit): Promise<Simulator> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, () => void>();
  let nextId = 1;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const sim: Simulator = {
    pid: child.pid ?? -1,
    up: new Map(),
    dials: [],
    ups: [],
    downs: [],
    refused: 0,
    failed: 0,
    connect(from, to, o) {
      const id = nextId++;
      return ask(id, { type: 'connect', id, from, to, ...o });
    },
    stopLinks() {
      const id = nextId++;
      return ask(id, { type: 'stop', id });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  const ask = (id: number, msg: ToSim) =>
    new Promise<void>((resolve, reject) => {
      waiting.set(id, resolve);
      child.send(msg);
      void exited.then(() => reject(new Error('the host simulator exited')));
    });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (raw) => {
      const m = raw as FromSim;
      if (m.type === 'ready') return resolve();
      if (m.type === 'done') {
        waiting.get(m.id)?.();
        waiting.delete(m.id);
        return;
      }
      sim.dials.push(...m.dials);
      for (const e of m.ups) {
        sim.ups.push(e);
        sim.up.set(e[0], e[1]);
      }
      for (const e of m.downs) {
        sim.downs.push(e);
        sim.up.delete(e[0]);
      }
      sim.refused += m.refused;
      sim.failed += m.failed;
    });
    void exited.then(() => reject(new Error('the host simulator exited before it was ready')));
  });
  child.send({ type: 'init', init } satisfies ToSim);
  await ready;
  return sim;
}

// ---- the child ----

function runChild(): void {
  const send = (m: FromSim) => process.send?.(m);
  const log = pino({ level: 'warn' }, pino.destination(2));
  let init: SimulatorInit | null = null;
  let cert: HostCertificate | null = null;
  const links = new Map<number, HubLink>();
  const batch = { dials: [] as Edge[], ups: [] as Edge[], downs: [] as Edge[], refused: 0, failed: 0 };
  // edges go to the parent in batches: one IPC message per host would cost the simulator more than the links
  setInterval(() => {
    if (!batch.dials.length && !batch.ups.length && !batch.downs.length && !batch.refused && !batch.failed)
      return;
    send({ type: 'edges', ...batch });
    batch.dials = [];
    batch.ups = [];
    batch.downs = [];
    batch.refused = 0;
    batch.failed = 0;
  }, 100);
  // answers the hub's vms.list; anything else is NOT_SUPPORTED, as on a host without that handler
  const dispatch = createDispatch({ 'vms.list': async () => ({ vms: [] }) }, log);
  const sampler = { watch: () => () => undefined, onSample: () => () => undefined };

  /** Starts host `i`'s link; `settled` is told its first outcome (up, refused or failed). */
  const startLink = (i: number, settled: () => void) => {
    const setup = init;
    const host = setup?.hosts[i];
    if (!setup || !host || !cert || links.has(i)) return settled();
    const shared = cert;
    let first = true;
    const outcome = () => {
      if (!first) return;
      first = false;
      settled();
    };
    let session: (() => void) | null = null;
    const link = createHubLink({
      target: { hubUrl: setup.hubUrl, hubSpki: setup.hubSpki },
      identity: { hostId: host.hostId, hostname: host.hostname, version: setup.version, cert: () => shared },
      log,
      handlers: {
        established(socket, welcome) {
          session?.();
          session = attachLinkSession({
            socket,
            ctx: { hubId: welcome.hubId, hubName: welcome.hubName, by: `hub ${welcome.hubName}` },
            status: {
              build: () => simulatedStatus(host, setup.version),
              refreshPools: async () => undefined,
            },
            sampler,
            dispatch,
            forget: async () => link.stop(),
            log,
          });
          batch.ups.push([i, wallMs()]);
          outcome();
        },
        lost() {
          session?.();
          session = null;
          batch.downs.push([i, wallMs()]);
        },
        refused() {
          batch.refused++;
          outcome();
        },
        failed() {
          batch.failed++;
          outcome();
        },
      },
    });
    links.set(i, link);
    batch.dials.push([i, wallMs()]);
    link.start();
  };

  const connect = async (from: number, to: number, concurrency: number, perSecond: number) => {
    const t0 = performance.now();
    let inFlight = 0;
    let wake: (() => void) | null = null;
    const all: Promise<void>[] = [];
    for (let i = from; i < to; i++) {
      // paced: the k-th start not before k / perSecond seconds, so the heartbeats spread too
      const due = t0 + ((i - from) * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight >= concurrency) await new Promise<void>((r) => (wake = r));
      inFlight++;
      all.push(
        new Promise<void>((resolve) =>
          startLink(i, () => {
            inFlight--;
            const w = wake;
            wake = null;
            w?.();
            resolve();
          }),
        ),
      );
    }
    await Promise.all(all);
  };

  process.on('message', (raw) => {
    const m = raw as ToSim;
    if (m.type === 'init') {
      init = m.init;
      void ensureCertificate({
        dir: m.init.certDir,
        hostname: 'qx-sim',
        organization: 'Quantix host',
        addresses: [],
      }).then((c) => {
        cert = c;
        send({ type: 'ready' });
      });
    } else if (m.type === 'connect') {
      void connect(m.from, m.to, m.concurrency, m.perSecond).then(() => send({ type: 'done', id: m.id }));
    } else if (m.type === 'stop') {
      for (const l of links.values()) l.stop();
      links.clear();
      send({ type: 'done', id: m.id });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) runChild();
