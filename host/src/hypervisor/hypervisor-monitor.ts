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

  let checking: Promise<void> | null = null;
  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    checking ??= runCheck().finally(() => {
      checking = null;
    });
    return checking;
  };
  const runCheck = async () => {
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
      if (!opened) {
        const o = await deps.open();
        // closed while it opened: its bus processes would outlive us
        if (closed) return void (await o.close().catch(() => undefined));
        opened = o;
      }
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
      const o = opened;
      opened = null;
      // closing ends a check waiting on this connection; a check still opening one closes that
      // itself once it is open (bounded: a bus that never answers does not hold up the stop)
      await o?.close();
      await Promise.race([checking, new Promise((r) => setTimeout(r, 5_000).unref())]);
    },
  };
}
