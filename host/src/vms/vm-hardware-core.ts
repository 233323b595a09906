import type { VmHardware, VmHardwareConfig, VmHardwareResult } from '@quantix/shared';
import { AppError } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { pendingItems, parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import { parseVmMetadata } from '../libvirt-xml/vm-metadata.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import type { PendingVolumes } from '../storage/volumes/pending-volumes.ts';
import type { CpuProbe } from './cpu-probe.ts';
import type { VmInventory } from './vm-inventory.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';
import { autostartBy } from './vm-start-at-boot.ts';

export type Progress = (step: number, total: number, message: string) => void;

export interface HardwareDeps {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  storage: StorageService;
  events: EventStore;
  cpu: CpuProbe;
  metadata: VmMetadataWriter;
  /** the journal of volumes being made, which a host killed mid-edit leaves for its next start */
  pending?: PendingVolumes;
}

/** One edit's view of the VM: both definitions as they were when it began. */
export interface EditCtx {
  uuid: string;
  name: string;
  active: boolean;
  /** the persistent definition's XML */
  config: string;
  /** the running definition's XML, null while off */
  live: string | null;
  notes: string[];
  /** what the event log says, one phrase per change */
  done: string[];
}

/** What the Hardware tab's edits share (vm-hardware-{settings,disks,nics}.ts). */
export interface HardwareCore {
  readonly deps: HardwareDeps;
  hv(): Hypervisor;
  /** the VM's hardware: both definitions, what is pending, disks resolved to pool volumes */
  view(uuid: string): Promise<VmHardware>;
  /** runs one edit: reads both definitions, lets `fn` change them, re-reads the VM for everyone */
  edit(uuid: string, by: string, fn: (ctx: EditCtx) => Promise<void>): Promise<VmHardwareResult>;
  /** the persistent definition, replaced by the edited one (with the VM's metadata as it is now) */
  define(ctx: EditCtx, xml: string): Promise<void>;
  /** a live change: done, or (when libvirt cannot) left for the next start, and said so */
  tryLive(ctx: EditCtx, what: string, fn: () => Promise<void>): Promise<boolean>;
  /** says that a change waits for the next start (on a running VM) */
  pendingNote(ctx: EditCtx, what: string): void;
}

/**
 * Every edit changes the persistent definition first (DefineXML of the edited XML: libvirt
 * validates it, and a refusal leaves the running guest untouched); then, on a running VM, what
 * libvirt can change live is changed live. What it cannot (or what fails live) stays pending until
 * the next start, and the answer's notes say which was which.
 */
export function createHardwareCore(deps: HardwareDeps): HardwareCore {
  const hv = () => deps.monitor.get();
  const queues = new Map<string, Promise<unknown>>();

  /** Edits of one VM run one after another: each reads the definition the previous one wrote. */
  const serial = <T>(uuid: string, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(uuid) ?? Promise.resolve()).catch(() => undefined).then(fn);
    queues.set(uuid, next);
    void next
      .finally(() => {
        if (queues.get(uuid) === next) queues.delete(uuid);
      })
      .catch(() => undefined);
    return next;
  };

  const view = async (uuid: string): Promise<VmHardware> => {
    const h = hv();
    const info = await h.domain(uuid);
    const [configXml, liveXml, state] = await Promise.all([
      h.domainXml(uuid, { inactive: true }),
      info.active ? h.domainXml(uuid) : Promise.resolve(null),
      h.domainState(uuid),
    ]);
    const config = parseHardwareXml(configXml);
    const live = liveXml ? parseHardwareXml(liveXml) : null;
    const paths = [...config.disks, ...(live?.disks ?? [])]
      .map((d) => d.source)
      .filter((p): p is string => !!p);
    const located = await deps.storage.locate([...new Set(paths)]);
    const resolve = (c: VmHardwareConfig): VmHardwareConfig => ({
      ...c,
      disks: c.disks.map((d) => {
        const v = d.source ? located.get(d.source) : undefined;
        return v ? { ...d, pool: d.pool ?? v.pool, volume: d.volume ?? v.volume, capacity: v.capacity } : d;
      }),
    });
    const meta = parseVmMetadata(configXml);
    return {
      uuid: info.uuid,
      name: info.name,
      state: state === 'nostate' ? 'unknown' : state,
      live: live ? resolve(live) : null,
      config: resolve(config),
      pending: pendingItems(live, config),
      autostart: {
        enabled: autostartBy(info.autostart, meta) !== null,
        order: meta.startOrder ?? null,
        delaySeconds: meta.startDelaySeconds ?? 0,
      },
      autostartBy: autostartBy(info.autostart, meta),
    };
  };

  const record = (message: string, source: string, level: 'info' | 'warning' = 'info') =>
    void deps.events.record({ level, category: 'vm', message, source });

  const edit = (uuid: string, by: string, fn: (ctx: EditCtx) => Promise<void>): Promise<VmHardwareResult> =>
    serial(uuid, async () => {
      await deps.inventory.ready();
      const h = hv();
      const info = await h.domain(uuid);
      if (deps.cpu.isProbeGuest(uuid, info.name))
        throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
      if (!info.persistent) {
        throw new AppError('VM_STATE_INVALID', `"${info.name}" is transient: it has no definition to change`);
      }
      const [config, live] = await Promise.all([
        h.domainXml(uuid, { inactive: true }),
        info.active ? h.domainXml(uuid) : Promise.resolve(null),
      ]);
      const ctx: EditCtx = { uuid, name: info.name, active: info.active, config, live, notes: [], done: [] };
      await fn(ctx);
      await deps.inventory.refresh(uuid).catch(() => undefined);
      const hardware = await view(uuid);
      if (ctx.done.length > 0) {
        const later = hardware.pending.length > 0 ? ' (some from its next start)' : '';
        record(`VM "${info.name}": ${ctx.done.join('; ')}${later}`, by);
      }
      return { hardware, notes: ctx.notes };
    });

  const define = async (ctx: EditCtx, xml: string) => {
    if (xml === ctx.config) return;
    // in the metadata writer's queue, with its metadata of now: the edit read the definition
    // before it created a volume or resized one, and tags or the template flag may have changed
    await deps.metadata.define(ctx.uuid, xml);
    ctx.config = await hv().domainXml(ctx.uuid, { inactive: true });
  };

  const tryLive = async (ctx: EditCtx, what: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      ctx.notes.push(`${what}: applied to the running VM`);
      return true;
    } catch (err) {
      const code = (err as AppError).code;
      if (code === 'HYPERVISOR_UNAVAILABLE' || code === 'VM_NOT_FOUND') throw err;
      ctx.notes.push(`${what}: applied at the next start (not live: ${(err as Error).message})`);
      return false;
    }
  };
  const pendingNote = (ctx: EditCtx, what: string) => {
    if (ctx.active) ctx.notes.push(`${what}: applied at the next start`);
  };

  return { deps, hv, view, edit, define, tryLive, pendingNote };
}
