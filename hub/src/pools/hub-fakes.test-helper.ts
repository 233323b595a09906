import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  AppError,
  EventsState,
  type HostLinkState,
  type HostStatus,
  HubState,
  type LinkCommand,
  type SharedPool,
  type StoredHubHost,
} from '@quantix/shared';
import { createEventStore, type EventStore, openJsonStore } from '@quantix/shared/server';
import type { HostLinks, HostLive } from '../link/host-links.ts';
import type { HubStore } from '../store/hub-store.ts';
import { createLowdbHubStore } from '../store/lowdb-hub-store.ts';

// Test support (not a test file): the real lowdb hub store on a temp dir, and a small fake of the
// HostLinks interface whose hosts answer commands through a function the test gives.

export async function openTestStore(dir: string): Promise<HubStore> {
  const state = await openJsonStore({
    file: join(dir, 'hub.json'),
    schema: HubState,
    initial: (): HubState => ({
      schema: 1,
      hubId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      hosts: [],
      pools: [],
      enrollments: [],
    }),
  });
  return createLowdbHubStore(state);
}

export function storedHost(hostname: string, extra: Partial<StoredHubHost> = {}): StoredHubHost {
  const at = new Date().toISOString();
  return {
    hostId: randomUUID(),
    hostname,
    url: `https://${hostname}:8443`,
    spki: 'a'.repeat(43),
    version: '0.1.0',
    via: 'token',
    adoptedAt: at,
    credential: 'sealed:v1:x',
    inventory: {
      collectedAt: at,
      hostname,
      managementIp: null,
      cpu: {
        model: 'x',
        vendor: 'x',
        sockets: 1,
        cores: 1,
        threads: 1,
        mhz: 1,
        virtualization: [],
        kvm: false,
      },
      memory: { total: 1, available: 1, swapTotal: 0, swapFree: 0 },
      disks: [],
      filesystems: [],
      nfsMounts: [],
      networkInterfaces: [],
      gpus: [],
      os: { distro: 'x', release: 'x', kernel: 'x', arch: 'x' },
      libvirt: { version: null, status: 'available' },
      warnings: [],
    },
    maintenance: false,
    revokedAt: null,
    lastSeenAt: null,
    ...extra,
  };
}

export function hostStatus(hostname: string, totalGiB: number, usedGiB: number): HostStatus {
  return {
    at: new Date().toISOString(),
    hostname,
    version: '0.1.0',
    hypervisorAvailable: true,
    cpuPercent: null,
    cpuCount: 4,
    memoryTotalBytes: totalGiB * 2 ** 30,
    memoryUsedBytes: usedGiB * 2 ** 30,
    vms: { total: 0, running: 0 },
    pools: [],
  };
}

export type CommandAnswer = (hostId: string, cmd: LinkCommand) => unknown | Promise<unknown>;

export interface FakeLinks extends HostLinks {
  /** every command a connected host received, in order */
  sent: Array<{ hostId: string; cmd: LinkCommand }>;
  answer: CommandAnswer;
  /**
   * moves a host's link (and tells onChange); into `connected` it is a new link (onLinkUp, then
   * the host's first status). A connected host without a status given reports one, libvirt up.
   */
  set(hostId: string, state: HostLinkState, status?: HostStatus | null): void;
  /** a new link of a host that never left `connected` (a quick restart): onLinkUp, then its status */
  reconnect(hostId: string, status?: HostStatus): void;
}

let statusSeq = 0;
/** a status as a host sends it, each with its own `at` (as each heartbeat has) */
export function freshStatus(hypervisorAvailable = true): HostStatus {
  return {
    ...hostStatus('fake', 8, 1),
    at: new Date(Date.UTC(2026, 0, 1) + ++statusSeq).toISOString(),
    hypervisorAvailable,
  };
}

/** A fake of the links: `set` moves a host's link (and tells onChange), `answer` plays the host. */
export function fakeLinks(answer: CommandAnswer = () => null): FakeLinks {
  const live = new Map<string, HostLive>();
  const listeners = new Set<(hostId: string, what: 'state' | 'status') => void>();
  const upListeners = new Set<(hostId: string) => void>();
  const put = (hostId: string, state: HostLinkState, status: HostStatus | null) => {
    live.set(hostId, { state, stateReason: null, status, lastSeenAt: new Date().toISOString() });
    for (const fn of listeners) fn(hostId, 'state');
  };
  const links: FakeLinks = {
    sent: [],
    answer,
    live: (hostId) =>
      live.get(hostId) ?? { state: 'pending', stateReason: null, status: null, lastSeenAt: null },
    async command<T>(hostId: string, cmd: LinkCommand): Promise<T> {
      if (links.live(hostId).state !== 'connected') {
        throw new AppError('HOST_NOT_CONNECTED', `host ${hostId} is not connected`);
      }
      links.sent.push({ hostId, cmd });
      return (await links.answer(hostId, cmd)) as T;
    },
    forget: async () => undefined,
    drop: () => undefined,
    watch: () => () => undefined,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    onLinkUp(fn) {
      upListeners.add(fn);
      return () => upListeners.delete(fn);
    },
    onTelemetry: () => () => undefined,
    set(hostId, state, status) {
      const before = live.get(hostId);
      const next = status !== undefined ? status : state === 'connected' ? freshStatus() : null;
      if (state === 'connected' && before?.state !== 'connected') {
        // as the link server does it: up with the status held from before, then the host's own
        put(hostId, 'connected', before?.status ?? null);
        for (const fn of upListeners) fn(hostId);
      }
      put(hostId, state, next);
    },
    reconnect(hostId, status = freshStatus()) {
      for (const fn of upListeners) fn(hostId);
      put(hostId, 'connected', status);
    },
  };
  return links;
}

/** The kit's event log on a temp dir (what the hub's services record into). */
export async function openTestEvents(dir: string): Promise<EventStore> {
  return createEventStore({
    store: await openJsonStore({
      file: join(dir, 'events.json'),
      schema: EventsState,
      initial: () => ({ schema: 1 as const, nextSeq: 0, events: [] }),
    }),
  });
}

/** `emit` of pool:changed, keeping what it is told. */
export function emitted(): {
  emit: (name: string, pool: SharedPool | null) => void;
  calls: Array<[string, SharedPool | null]>;
} {
  const calls: Array<[string, SharedPool | null]> = [];
  return { calls, emit: (name, pool) => calls.push([name, pool]) };
}

/** Waits (bounded) until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
