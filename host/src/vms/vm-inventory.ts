import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { DomainEventKind, DomainInfo, DomainState } from '../hypervisor/hypervisor.ts';
import { type ParsedDomain, parseDomainXml } from '../libvirt-xml/domain-xml.ts';

const RETRY_MS = 5_000;

export interface VmRecord {
  info: DomainInfo;
  spec: ParsedDomain;
  /** as of the last event or read */
  state: DomainState;
}

export interface VmInventory {
  all(): VmRecord[];
  get(uuid: string): VmRecord | undefined;
  /** re-reads one VM from libvirt (after an action), emitting a change */
  refresh(uuid: string): Promise<VmRecord | undefined>;
  ready(): Promise<void>;
  /**
   * Whether the last full load succeeded (false before it, while a new one runs, and after one
   * failed): an empty inventory then says nothing about which VMs exist.
   */
  loaded(): boolean;
  onChange(
    fn: (uuid: string, record: VmRecord | undefined, event: DomainEventKind | null) => void,
  ): () => void;
}

/**
 * What the VM list shows, kept in memory and changed by libvirt's lifecycle events — not by
 * polling: one full load when the hypervisor becomes available, then one VM re-read per event.
 * A list request is answered from here plus one bulk stats call, whatever the number of VMs.
 */
export function createVmInventory(deps: {
  monitor: HypervisorMonitor;
  log: Logger;
  /** guests that are not the admin's (the CPU probe's throw-away guests) */
  ignore?: (uuid: string, name?: string) => boolean;
  /** the wait before a failed full load is tried again */
  retryMs?: number;
}): VmInventory {
  const ignored = (uuid: string, name?: string) => deps.ignore?.(uuid, name) ?? false;
  const records = new Map<string, VmRecord>();
  const listeners = new Set<(uuid: string, r: VmRecord | undefined, e: DomainEventKind | null) => void>();
  let loading: Promise<void> = Promise.resolve();
  let loadedOk = false;
  let retry: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | null = null;

  const emit = (uuid: string, r: VmRecord | undefined, e: DomainEventKind | null) => {
    for (const fn of listeners) fn(uuid, r, e);
  };
  const read = async (uuid: string): Promise<VmRecord | undefined> => {
    const h = deps.monitor.get();
    try {
      const [info, xml, state] = await Promise.all([h.domain(uuid), h.domainXml(uuid), h.domainState(uuid)]);
      if (ignored(uuid, info.name)) return undefined;
      return { info, spec: parseDomainXml(xml), state };
    } catch (err) {
      if ((err as { code?: string }).code === 'VM_NOT_FOUND') return undefined;
      throw err;
    }
  };
  // Re-reads of one VM may overlap (an event and an action's refresh): only the newest read may
  // land, so an older answer can never overwrite a newer one or bring a deleted VM back. A
  // superseded read answers with the newest one's result, and its libvirt event is passed on.
  const inflight = new Map<string, Promise<VmRecord | undefined>>();
  const pendingEvent = new Map<string, DomainEventKind>();
  let loadingNow: Set<string> | null = null;
  const refresh = (uuid: string, event: DomainEventKind | null = null): Promise<VmRecord | undefined> => {
    loadingNow?.add(uuid);
    if (event) pendingEvent.set(uuid, event);
    const p: Promise<VmRecord | undefined> = read(uuid).then((r) => {
      const newest = inflight.get(uuid);
      if (newest && newest !== p) return newest;
      inflight.delete(uuid);
      const ev = pendingEvent.get(uuid) ?? null;
      pendingEvent.delete(uuid);
      if (r) records.set(uuid, r);
      else records.delete(uuid);
      emit(uuid, r, ev);
      return r;
    });
    inflight.set(uuid, p);
    p.catch(() => {
      if (inflight.get(uuid) === p) inflight.delete(uuid);
    });
    return p;
  };
  const loadAll = async () => {
    const h = deps.monitor.get();
    unsubscribe?.();
    unsubscribe = h.onDomainEvent((uuid, kind) => {
      if (ignored(uuid)) return;
      void refresh(uuid, kind).catch((err: unknown) =>
        deps.log.warn({ err, uuid }, 'could not re-read a VM after its event'),
      );
    });
    const touched = new Set<string>();
    loadingNow = touched;
    const [all, stats] = await Promise.all([h.listDomains(), h.domainStats()]);
    const infos = all.filter((i) => !ignored(i.uuid, i.name));
    const states = new Map(stats.map((s) => [s.name, s.state]));
    const loaded = await Promise.all(
      infos.map(async (info) => ({
        info,
        spec: parseDomainXml(await h.domainXml(info.uuid)),
        state: states.get(info.name) ?? (info.active ? 'running' : 'shutoff'),
      })),
    );
    loadingNow = null;
    records.clear();
    for (const r of loaded) records.set(r.info.uuid, r);
    // VMs that changed while the list was read: read them again, after the snapshot
    for (const uuid of touched) void refresh(uuid).catch(() => undefined);
    deps.log.info({ vms: records.size }, 'VM inventory loaded');
  };
  const reload = () => {
    clearTimeout(retry);
    loadedOk = false;
    loading = loadAll()
      .then(() => {
        loadedOk = true;
      })
      .catch((err: unknown) => {
        // a VM that vanished mid-load, a D-Bus timeout: try again while libvirt answers
        deps.log.warn({ err }, 'could not load the VM inventory');
        retry = setTimeout(() => {
          if (deps.monitor.status().available) reload();
        }, deps.retryMs ?? RETRY_MS);
        retry.unref();
      })
      .finally(() => {
        loadingNow = null;
      });
  };
  deps.monitor.onChange((s) => {
    if (s.available) reload();
  });
  if (deps.monitor.status().available) reload();

  return {
    all: () => [...records.values()],
    get: (uuid) => records.get(uuid),
    refresh: (uuid) => refresh(uuid),
    ready: () => loading,
    loaded: () => loadedOk,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
