import { AppError } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { Hypervisor, HypervisorStatus } from './hypervisor.ts';

export interface HypervisorMonitor {
  /** Starts watching; resolves after the first check (whatever its outcome). Call once listening. */
  start(): Promise<void>;
  /** The hypervisor, or HYPERVISOR_UNAVAILABLE while libvirt cannot be reached. */
  get(): Hypervisor;
  status(): HypervisorStatus;
  onChange(fn: (s: HypervisorStatus) => void): () => void;
  close(): Promise<void>;
}

/**
 * Opens the hypervisor in the background (start-up never waits for libvirt) and watches it: every
 * 2 s while it is up (one property read of libvirtd through libvirt-dbus, so a dead libvirtd is
 * noticed within 5 s even while libvirt-dbus lives on), every 5 s while it is down. Lifecycle
 * changes come from libvirt events; this only notices the connection itself coming and going, so
 * the UI can say "hypervisor unavailable" and recover on its own.
 */
export function createHypervisorMonitor(deps: {
  uri: string;
  open: () => Promise<{ hypervisor: Hypervisor; close: () => Promise<void> }>;
  log: Logger;
  downIntervalMs?: number;
  upIntervalMs?: number;
}): HypervisorMonitor {
  let opened: { hypervisor: Hypervisor; close: () => Promise<void> } | null = null;
  let current: HypervisorStatus = {
    available: false,
    uri: deps.uri,
    hostname: null,
    libvirtVersion: null,
    error: 'connecting',
  };
  const listeners = new Set<(s: HypervisorStatus) => void>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const set = (s: HypervisorStatus) => {
    const changed = s.available !== current.available || s.error !== current.error;
    current = s;
    if (!changed) return;
    if (s.available) deps.log.info({ uri: s.uri, version: s.libvirtVersion }, 'hypervisor available');
    else deps.log.warn({ uri: s.uri, error: s.error }, 'hypervisor unavailable');
    for (const fn of listeners) fn(s);
  };

  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    clearTimeout(timer);
    try {
      if (opened?.hypervisor.lost) {
        // the bus or libvirt-dbus went away under us: say so (listeners drop what they hold),
        // then start over with a fresh connection
        set({
          available: false,
          uri: deps.uri,
          hostname: null,
          libvirtVersion: null,
          error: 'connection lost; reconnecting',
        });
        await opened.close().catch(() => undefined);
        opened = null;
      }
      if (!opened) opened = await deps.open();
      set(await opened.hypervisor.status());
    } catch (err) {
      set({
        available: false,
        uri: deps.uri,
        hostname: null,
        libvirtVersion: null,
        error: (err as Error).message,
      });
    }
    checking = false;
    if (closed) return;
    timer = setTimeout(
      check,
      current.available ? (deps.upIntervalMs ?? 2_000) : (deps.downIntervalMs ?? 5_000),
    );
    timer.unref();
  };
  let started: Promise<void> | null = null;

  return {
    start() {
      started ??= check();
      return started;
    },
    get() {
      if (opened?.hypervisor.lost) void check(); // notice at once, not at the next poll
      if (!opened || !current.available || opened.hypervisor.lost) {
        throw new AppError(
          'HYPERVISOR_UNAVAILABLE',
          `libvirt (${deps.uri}) is unavailable: ${current.error ?? 'unknown'}`,
        );
      }
      return opened.hypervisor;
    },
    status: () => current,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await opened?.close();
    },
  };
}
