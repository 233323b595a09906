import { AppError, type GuestOsInfo, type VmGuestInfo } from '@quantix/shared';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { VmInventory } from './vm-inventory.ts';

/** How long an answer of the guest agent is reused: the VM page refreshes it, the list never asks. */
export const GUEST_INFO_TTL_MS = 60_000;
/**
 * The background refresh of the list's addresses asks one running VM with an agent channel every
 * 2 s, round robin: 30 VMs a minute, 500 VMs in about 17 minutes, one small agent call at a time.
 */
export const ADDRESS_REFRESH_MS = 2_000;

export interface VmGuestService {
  /** the agent's answers, from the cache while younger than the TTL unless `refresh` */
  info(uuid: string, opts?: { refresh?: boolean }): Promise<VmGuestInfo>;
  /** the guest's newest known addresses (for the VM list): never asks the agent */
  cachedAddresses(uuid: string): string[] | undefined;
  /**
   * Re-reads the addresses of one running VM with an agent channel per `everyMs`, in turn, while
   * libvirt answers: the list shows addresses of VMs whose page nobody opened. Returns its stop.
   */
  startAddressRefresh(everyMs?: number): () => void;
  /** told when a VM's listed addresses changed (to push the VM to the list) */
  onAddresses(fn: (uuid: string) => void): () => void;
  /** drops what is cached about a VM (it stopped, or was removed) */
  forget(uuid: string): void;
}

/** Addresses worth showing in a list: not loopback, not IPv6 link-local. */
export function listedAddresses(info: {
  interfaces: Array<{ addresses: Array<{ address: string }> }>;
}): string[] {
  return info.interfaces
    .flatMap((i) => i.addresses)
    .filter((a) => !/^127\.|^::1$|^fe80:/i.test(a.address))
    .map((a) => a.address);
}

/** The agent's `os.*` fields (virsh's names) in our shape. */
export function toGuestOs(fields: Record<string, string>): GuestOsInfo | null {
  const pick = (...keys: string[]) =>
    keys.map((k) => fields[k]).find((v) => v !== undefined && v !== '') ?? null;
  const os: GuestOsInfo = {
    name: pick('pretty-name', 'name'),
    version: pick('version', 'version-id'),
    id: pick('id'),
    kernel: pick('kernel-release'),
  };
  return Object.values(os).some((v) => v !== null) ? os : null;
}

/**
 * What the qemu-guest-agent tells about a running VM: hostname, OS, addresses. Asked on demand
 * (the VM's page), one VM at a time, and cached per VM; the list's addresses also come from a slow
 * background refresh (one VM per ADDRESS_REFRESH_MS), so the list of 500 VMs costs nothing.
 */
export function createVmGuestService(deps: {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  ttlMs?: number;
  now?: () => number;
}): VmGuestService {
  const ttl = deps.ttlMs ?? GUEST_INFO_TTL_MS;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; info: VmGuestInfo }>();
  const inflight = new Map<string, Promise<VmGuestInfo>>();
  /** the list's addresses, from the page's answers and the background refresh, the newest kept */
  const addresses = new Map<string, { at: number; list: string[] }>();
  const listeners = new Set<(uuid: string) => void>();
  /** how long one round of the background refresh takes: an entry lives two rounds (or the TTL) */
  let roundMs = 0;
  deps.inventory.onChange((uuid, r) => {
    if (!r?.info.active) {
      cache.delete(uuid);
      addresses.delete(uuid);
    }
  });
  const setAddresses = (uuid: string, list: string[] | null) => {
    const before = addresses.get(uuid)?.list;
    if (list) addresses.set(uuid, { at: now(), list });
    else addresses.delete(uuid);
    if ((before ?? []).join(' ') !== (list ?? []).join(' ') || !before !== !list) {
      for (const fn of listeners) fn(uuid);
    }
  };

  const ask = async (uuid: string): Promise<VmGuestInfo> => {
    await deps.inventory.ready();
    const r = deps.inventory.get(uuid) ?? (await deps.inventory.refresh(uuid));
    if (!r) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
    const base: VmGuestInfo = {
      agent: 'vm-off',
      checkedAt: new Date(now()).toISOString(),
      hostname: null,
      os: null,
      interfaces: [],
      message: null,
    };
    if (!r.info.active) return base;
    if (r.spec.platform.agentChannel === 'none') {
      return {
        ...base,
        agent: 'not-configured',
        message: 'This VM has no guest agent channel (it was made outside Quantix, or before it had one).',
      };
    }
    const h = deps.monitor.get();
    let hostname: string;
    try {
      hostname = await h.guestHostname(uuid);
    } catch (err) {
      // an agent that does not answer properly (not connected, timed out, a guest rebooting:
      // "no hostname found") is a state of the VM, not an error of this request
      const code = (err as AppError).code;
      if (code === 'HYPERVISOR_UNAVAILABLE' || code === 'VM_NOT_FOUND') throw err;
      return { ...base, agent: 'not-running', message: (err as Error).message };
    }
    const notes: string[] = [];
    const [interfaces, os] = await Promise.all([
      h.guestInterfaces(uuid).catch((err: unknown) => {
        notes.push(`addresses: ${(err as Error).message}`);
        return [];
      }),
      h.guestOsInfo(uuid).then(toGuestOs, (err: unknown) => {
        notes.push(`OS: ${(err as Error).message}`);
        return null;
      }),
    ]);
    return {
      ...base,
      agent: 'connected',
      hostname: hostname || null,
      os,
      interfaces: interfaces.map((i) => ({ name: i.name, mac: i.mac || null, addresses: i.addresses })),
      message: notes.length > 0 ? notes.join('; ') : null,
    };
  };

  return {
    info(uuid, opts) {
      const hit = cache.get(uuid);
      if (!opts?.refresh && hit && now() - hit.at < ttl) return Promise.resolve(hit.info);
      const running = inflight.get(uuid);
      if (running) return running;
      const p = ask(uuid)
        .then((info) => {
          cache.set(uuid, { at: now(), info });
          if (info.agent === 'connected') setAddresses(uuid, listedAddresses(info));
          return info;
        })
        .finally(() => inflight.delete(uuid));
      inflight.set(uuid, p);
      return p;
    },
    cachedAddresses(uuid) {
      const hit = addresses.get(uuid);
      if (!hit || now() - hit.at >= Math.max(ttl, 2 * roundMs)) return undefined;
      return hit.list;
    },
    onAddresses(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    startAddressRefresh(everyMs = ADDRESS_REFRESH_MS) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let turn: string[] = [];
      const withAgent = () =>
        deps.inventory
          .all()
          .filter((r) => r.info.active && r.spec.platform.agentChannel !== 'none')
          .map((r) => r.info.uuid);
      const tick = async () => {
        if (!deps.monitor.status().available || !deps.inventory.loaded()) return;
        if (turn.length === 0) {
          turn = withAgent();
          roundMs = Math.max(turn.length, 1) * everyMs;
        }
        const uuid = turn.shift();
        const r = uuid ? deps.inventory.get(uuid) : undefined;
        if (!uuid || !r?.info.active || r.spec.platform.agentChannel === 'none') return;
        try {
          const ifaces = await deps.monitor.get().guestInterfaces(uuid);
          setAddresses(uuid, listedAddresses({ interfaces: ifaces }));
        } catch (err) {
          const code = (err as AppError).code;
          // an agent that does not answer (yet): nothing known; libvirt gone: nothing learned
          if (code !== 'HYPERVISOR_UNAVAILABLE') setAddresses(uuid, null);
        }
      };
      const loop = () => {
        if (stopped) return;
        timer = setTimeout(() => void tick().finally(loop), everyMs);
        timer.unref();
      };
      loop();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
    forget(uuid) {
      cache.delete(uuid);
    },
  };
}
