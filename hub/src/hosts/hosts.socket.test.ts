import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostStatus, HubHost } from '@quantix/shared';
import type { HostLinks, HostLive, LinkChange } from '../link/host-links.ts';
import { attachHostsSocket, HOSTS_ROOM } from './hosts.socket.ts';
import type { HostsService } from './hosts.service.ts';

type Deps = Parameters<typeof attachHostsSocket>[0];
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const status = (cpuPercent: number): HostStatus => ({
  at: '2026-01-01T00:00:00.000Z',
  hostname: 'kvm',
  version: '0.1.0',
  hypervisorAvailable: true,
  cpuPercent,
  cpuCount: 8,
  memoryTotalBytes: 1,
  memoryUsedBytes: 1,
  vms: { total: 0, running: 0 },
  pools: [],
});

/** What the socket side sees: a fake io that records emits, links that the test moves, a store of one record each. */
function setup() {
  const emitted: Array<{ room: string; event: string; payload: unknown }> = [];
  const io = {
    to: (room: string) => ({
      emit: (event: string, payload: unknown) => void emitted.push({ room, event, payload }),
    }),
    on: () => io,
  } as unknown as Deps['io'];
  const live = new Map<string, HostLive>();
  const listeners = new Set<(hostId: string, what: LinkChange) => void>();
  const links = {
    live: (hostId: string) =>
      live.get(hostId) ?? { state: 'pending', stateReason: null, status: null, lastSeenAt: null },
    onChange(fn: (hostId: string, what: LinkChange) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onTelemetry: () => () => undefined,
    watch: () => () => undefined,
  } as unknown as HostLinks;
  let finds = 0;
  const serviceListeners = new Set<(c: { hostId: string; host: HubHost | null }) => void>();
  const hosts = {
    onChange(fn: (c: { hostId: string; host: HubHost | null }) => void) {
      serviceListeners.add(fn);
      return () => serviceListeners.delete(fn);
    },
    async find(hostId: string) {
      finds++;
      return { hostId, ...live.get(hostId) } as unknown as HubHost;
    },
  } as unknown as HostsService;
  const tell = (hostId: string, what: LinkChange, l: Partial<HostLive>) => {
    live.set(hostId, {
      state: 'connected',
      stateReason: null,
      status: null,
      lastSeenAt: '2026-01-01T00:00:00.000Z',
      ...l,
    });
    for (const fn of listeners) fn(hostId, what);
  };
  const removed = (hostId: string) => {
    live.delete(hostId);
    for (const fn of serviceListeners) fn({ hostId, host: null });
  };
  const stop = attachHostsSocket({ io, hosts, links, statusBatchMs: 20 });
  return { emitted, tell, removed, stop, finds: () => finds };
}

const until = async (what: string, pred: () => boolean) => {
  const end = Date.now() + 5000;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('hosts socket: the fleet to every UI socket', () => {
  it('sends a state change at once as host:changed, and heartbeats batched into one hosts:status', async () => {
    const { emitted, tell, stop, finds } = setup();
    try {
      tell(A, 'state', { status: null });
      await until('host:changed', () => emitted.some((e) => e.event === 'host:changed'));
      assert.equal(emitted[0]?.room, HOSTS_ROOM);
      assert.equal(finds(), 1);
      // five beats of two hosts before the next batch: one message, each host once with its latest
      for (let i = 1; i <= 5; i++) {
        tell(A, 'status', { status: status(i) });
        tell(B, 'status', { status: status(10 * i) });
      }
      await until('hosts:status', () => emitted.some((e) => e.event === 'hosts:status'));
      const batches = emitted.filter((e) => e.event === 'hosts:status');
      assert.equal(batches.length, 1);
      assert.deepEqual(batches[0]?.payload, {
        hosts: [
          { hostId: A, status: status(5), lastSeenAt: '2026-01-01T00:00:00.000Z' },
          { hostId: B, status: status(50), lastSeenAt: '2026-01-01T00:00:00.000Z' },
        ],
      });
      assert.equal(finds(), 1, 'a heartbeat reads no stored record');
      assert.equal(emitted.filter((e) => e.event === 'host:changed').length, 1);
    } finally {
      stop();
    }
  });

  it('leaves out of the batch a host that went down or was removed meanwhile (its host:changed told it)', async () => {
    const { emitted, tell, removed, stop } = setup();
    const C = '00000000-0000-4000-8000-00000000000c';
    try {
      tell(A, 'status', { status: status(1) });
      tell(B, 'status', { status: status(2) });
      tell(C, 'status', { status: status(3) });
      tell(B, 'state', { state: 'not-responding', status: status(2) });
      removed(C);
      await until('hosts:status', () => emitted.some((e) => e.event === 'hosts:status'));
      const batch = emitted.find((e) => e.event === 'hosts:status')?.payload as {
        hosts: { hostId: string }[];
      };
      assert.deepEqual(
        batch.hosts.map((h) => h.hostId),
        [A],
      );
      assert.ok(emitted.some((e) => e.event === 'host:changed'));
      // nothing new: no empty batches
      const count = emitted.length;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(emitted.length, count);
    } finally {
      stop();
    }
  });
});
