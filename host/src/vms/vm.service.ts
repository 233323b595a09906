import {
  AppError,
  type SnapshotCreateRequest,
  type SnapshotSummary,
  type VmAction,
  type VmCpu,
  type VmCreateRequest,
  type VmDetail,
  type VmState,
  type VmSummary,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { DomainState } from '../hypervisor/hypervisor.ts';
import { createSeedService, isSeedPath, type SeedService } from '../cloud-init/cloud-init.service.ts';
import { rollBack, rolledBack, type UndoStep, undoVolumes, withLeftovers } from './rollback.ts';
import { buildDomainXml, parseDomainXml, replaceDomainCpu } from '../libvirt-xml/domain-xml.ts';
import { buildSnapshotXml, parseSnapshotXml } from '../libvirt-xml/snapshot-xml.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import { operationVolumes, type PendingVolumes } from '../storage/volumes/pending-volumes.ts';
import type { CpuProbe } from './cpu-probe.ts';
import { cpuLabel, explainStartFailure, formatStartFailure } from './start-failure.ts';
import { awaitProbes } from './vm-create-probes.ts';
import { createVmDiskSources } from './vm-disk-sources.ts';
import { resolvePlatform } from './vm-create-platform.ts';
import type { VmGuestService } from './vm-guest.ts';
import type { FreezeMarks } from './guest-freeze-marks.ts';
import { powerOff, quiescedSnapshot, startVm, thawGuest } from './vm-guest-actions.ts';
import type { VmInventory, VmRecord } from './vm-inventory.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';
import type { PlatformProbe } from './vm-platform-probe.ts';
import type { VmLive } from './vm-stats.ts';
import { applyStartAtBoot, startsAtBoot } from './vm-start-at-boot.ts';

const GiB = 1024 ** 3;

export type Progress = (step: number, total: number, message: string) => void;

export interface VmService {
  list(): VmSummary[];
  detail(uuid: string): Promise<VmDetail>;
  xml(uuid: string): Promise<string>;
  action(uuid: string, action: VmAction, by: string): Promise<VmSummary>;
  setAutostart(uuid: string, on: boolean, by: string): Promise<VmSummary>;
  /** the CPU the VM gets at its next start */
  setCpu(uuid: string, cpu: VmCpu, by: string): Promise<VmDetail>;
  create(req: VmCreateRequest, by: string, progress?: Progress): Promise<VmDetail>;
  remove(uuid: string, opts: { deleteVolumes: boolean }, by: string, progress?: Progress): Promise<void>;
  snapshots(uuid: string): Promise<SnapshotSummary[]>;
  createSnapshot(uuid: string, req: SnapshotCreateRequest, by: string): Promise<void>;
  revertSnapshot(uuid: string, name: string, by: string): Promise<void>;
  deleteSnapshot(uuid: string, name: string, by: string): Promise<void>;
  /** every file or device a defined VM uses, for "in use" checks */
  diskUsers(): Promise<Array<{ vm: string; path: string; running: boolean }>>;
}

const STATE: Record<DomainState, VmState> = {
  nostate: 'unknown',
  running: 'running',
  blocked: 'blocked',
  paused: 'paused',
  shutdown: 'shutdown',
  shutoff: 'shutoff',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
  unknown: 'unknown',
};

// Which actions make sense in which state; libvirt would refuse the rest, but a clear 409 first.
const ALLOWED: Record<VmAction, VmState[]> = {
  start: ['shutoff', 'crashed'],
  shutdown: ['running', 'blocked'],
  reboot: ['running', 'blocked'],
  destroy: ['running', 'blocked', 'paused', 'shutdown', 'crashed', 'pmsuspended'],
  reset: ['running', 'blocked', 'paused'],
  suspend: ['running', 'blocked'],
  resume: ['paused'],
};

export function createVmService(deps: {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  storage: StorageService;
  events: EventStore;
  live: (name: string) => VmLive | undefined;
  cpu: CpuProbe;
  /** start at boot with a start order is kept in the metadata (vm-start-at-boot.ts) */
  metadata?: VmMetadataWriter;
  /** writes cloud-init seeds (VmCreateRequest `cloudInit`) */
  seeds?: SeedService;
  /** refuses to remove a VM others depend on (a template with linked clones) */
  beforeRemove?: (uuid: string) => Promise<void>;
  // issue 9 (slice-os): firmware/TPM offers, the guest agent
  platform?: PlatformProbe;
  guest?: VmGuestService;
  /** marks VMs frozen for a snapshot, durably, so a host killed meanwhile thaws them at start */
  freezeMarks?: Pick<FreezeMarks, 'mark' | 'clear'>;
  /** the journal of volumes being made, which a host killed mid-create leaves for its next start */
  pending?: PendingVolumes;
}): VmService {
  const hv = () => deps.monitor.get();
  const record = (message: string, source: string, level: 'info' | 'warning' | 'error' = 'info') =>
    void deps.events.record({ level, category: 'vm', message, source });
  const diskUsers = async () => {
    await deps.inventory.ready();
    const usersOf = async (r: VmRecord) => {
      const paths = new Set(r.spec.disks.map((d) => d.source).filter((p): p is string => !!p));
      // a running VM's record is its live definition: a disk added while it runs that waits for
      // the next start is only in the saved one, and its volume is in use all the same
      if (r.info.active) {
        const saved = await hv()
          .domainXml(r.info.uuid, { inactive: true })
          .then(parseDomainXml, (err: unknown) => {
            if ((err as AppError).code === 'VM_NOT_FOUND') return null; // gone since the listing
            throw err;
          });
        for (const d of saved?.disks ?? []) if (d.source) paths.add(d.source);
      }
      return [...paths].map((path) => ({ vm: r.info.name, path, running: r.info.active }));
    };
    const records = deps.inventory.all();
    const out: Array<{ vm: string; path: string; running: boolean }> = [];
    // a few reads at a time: hundreds of running VMs are hundreds of D-Bus calls
    for (let i = 0; i < records.length; i += 16)
      for (const users of await Promise.all(records.slice(i, i + 16).map(usersOf))) out.push(...users);
    return out;
  };
  const diskSources = createVmDiskSources({ storage: deps.storage, diskUsers });
  const seeds = deps.seeds ?? createSeedService({ monitor: deps.monitor, storage: deps.storage, diskUsers });

  // The record's state is set by libvirt's lifecycle events the moment they happen; the stats
  // sampler's copy can be a tick old, so it never overrides it.
  const stateOf = (r: VmRecord): VmState => STATE[r.state];
  const summary = (r: VmRecord): VmSummary => {
    const live = deps.live(r.info.name);
    const state = stateOf(r);
    const on = state !== 'shutoff' && state !== 'crashed';
    return {
      uuid: r.info.uuid,
      name: r.info.name,
      state,
      vcpus: r.spec.vcpus,
      memoryMiB: r.spec.memoryMiB,
      disks: r.spec.disks.filter((d) => d.device === 'disk').length,
      autostart: startsAtBoot(r.info.autostart, r.spec.metadata),
      persistent: r.info.persistent,
      cpuPercent: on ? (live?.cpuPercent ?? null) : null,
      memoryUsedMiB: on ? (live?.memoryUsedMiB ?? null) : null,
      tags: r.spec.metadata.tags,
      template: r.spec.metadata.template,
      ...(r.spec.metadata.osPreset ? { osPreset: r.spec.metadata.osPreset } : {}),
      ...guestAddresses(r),
    };
  };
  const guestAddresses = (r: VmRecord) => {
    const a = r.info.active ? deps.guest?.cachedAddresses(r.info.uuid) : undefined;
    return a ? { guestAddresses: a } : {};
  };
  const get = async (uuid: string): Promise<VmRecord> => {
    await deps.inventory.ready();
    const r = deps.inventory.get(uuid) ?? (await deps.inventory.refresh(uuid));
    if (!r) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
    return r;
  };
  const fresh = async (uuid: string): Promise<VmRecord> => {
    const r = await deps.inventory.refresh(uuid);
    if (!r) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
    return r;
  };

  const detail = async (uuid: string): Promise<VmDetail> => {
    const r = await get(uuid);
    const { disks, nics, graphics, bootOrder, os, description, cpu } = r.spec;
    const located = await deps.storage.locate(disks.map((d) => d.source).filter((p): p is string => !!p));
    const resolved = disks.map((d) => {
      const v = d.source ? located.get(d.source) : undefined;
      return v ? { ...d, pool: d.pool ?? v.pool, volume: d.volume ?? v.volume, capacity: v.capacity } : d;
    });
    const { platform } = r.spec;
    return { ...summary(r), cpu, disks: resolved, nics, graphics, bootOrder, os, description, platform };
  };

  return {
    list: () =>
      deps.inventory
        .all()
        .map(summary)
        .sort((a, b) => a.name.localeCompare(b.name)),
    detail,
    async xml(uuid) {
      await get(uuid);
      return hv().domainXml(uuid);
    },
    async action(uuid, action, by) {
      const r = await fresh(uuid);
      const state = STATE[r.state];
      if (!ALLOWED[action].includes(state)) {
        throw new AppError('VM_STATE_INVALID', `cannot ${action} "${r.info.name}" while it is ${state}`);
      }
      if (action === 'start' && r.spec.metadata.template) {
        throw new AppError(
          'VM_STATE_INVALID',
          `"${r.info.name}" is a template: clone it, then start the clone`,
        );
      }
      let via = '';
      try {
        if ((action === 'shutdown' || action === 'reboot') && r.spec.platform.agentChannel !== 'none') {
          via = ` (${await powerOff(hv(), uuid, action)})`;
        } else if (action === 'start') {
          via = await startVm(hv(), uuid, (why) =>
            record(`VM "${r.info.name}": starting it again, as ${why}`, by, 'warning'),
          );
        } else await hv().domainAction(uuid, action);
      } catch (err) {
        const code = (err as AppError).code;
        if (action !== 'start' || code === 'HYPERVISOR_UNAVAILABLE' || code === 'VM_NOT_FOUND') throw err;
        const message = formatStartFailure(
          r.info.name,
          explainStartFailure((err as Error).message, cpuLabel(r.spec.cpu)),
        );
        record(message, by, 'error');
        throw new AppError('VM_START_FAILED', message, { cause: err });
      }
      record(`VM "${r.info.name}": ${action}${via}`, by);
      return summary(await fresh(uuid));
    },
    async setAutostart(uuid, on, by) {
      const r = await get(uuid);
      if (on && r.spec.metadata.template) {
        throw new AppError('VM_STATE_INVALID', `"${r.info.name}" is a template and never starts`);
      }
      // with a start order the host starts it, in order; without one libvirt does
      if (deps.metadata) await applyStartAtBoot({ hv, metadata: deps.metadata }, uuid, { enabled: on });
      else await hv().setDomainAutostart(uuid, on);
      record(`VM "${r.info.name}": autostart ${on ? 'on' : 'off'}`, by);
      return summary(await fresh(uuid));
    },
    async setCpu(uuid, cpu, by) {
      const r = await get(uuid);
      await deps.cpu.assertStartable(cpu);
      const xml = await hv().domainXml(uuid, { inactive: true });
      // through the metadata writer: a tag written meanwhile stays
      if (deps.metadata) await deps.metadata.define(uuid, replaceDomainCpu(xml, cpu));
      else await hv().defineDomain(replaceDomainCpu(xml, cpu));
      const label = cpuLabel({ mode: cpu.mode, model: cpu.mode === 'custom' ? cpu.model : null });
      record(`VM "${r.info.name}": CPU set to ${label}${r.info.active ? ' (from its next start)' : ''}`, by);
      await fresh(uuid);
      return detail(uuid);
    },
    async create(req, by, progress) {
      const h = hv();
      const total = req.disks.length + 3 + (req.cloudInit ? 1 : 0);
      let step = 0;
      const say = (m: string) => progress?.(++step, total, m);
      const again = (m: string) => progress?.(step, total, m);
      say('Checking the name and the storage');
      await deps.inventory.ready();
      if (deps.inventory.all().some((r) => r.info.name === req.name)) {
        throw new AppError('NAME_TAKEN', `a virtual machine named "${req.name}" already exists`);
      }
      // Check every pool's free space against everything asked of it before creating anything.
      const diskPlan = await diskSources.plan(req.name, req.disks);
      const need = diskPlan.need;
      const pools = new Map<string, Awaited<ReturnType<StorageService['pool']>>>();
      for (const [name, bytes] of need) {
        const p = await deps.storage.pool(name);
        if (p.state !== 'running')
          throw new AppError('VM_STATE_INVALID', `storage pool "${name}" is not running`);
        if (bytes > p.available) {
          throw new AppError(
            'INSUFFICIENT_SPACE',
            `the disks need ${(bytes / GiB).toFixed(1)} GiB in pool "${name}", which has ${(p.available / GiB).toFixed(1)} GiB free`,
          );
        }
        pools.set(name, p);
      }
      const probed = await awaitProbes(
        {
          cpu: deps.cpu,
          platform: deps.platform,
          virtType: async () => ((await h.kvmAvailable()) ? 'kvm' : 'qemu'),
        },
        req.cpu,
        again,
      );
      const { cpu } = probed;
      const platform = resolvePlatform(req, probed.capabilities);
      platform.notes.unshift(...probed.notes);
      let cdromPath: string | undefined;
      if (req.cdrom) {
        const vols = await deps.storage.listVolumes(req.cdrom.pool);
        const iso = vols.find((v) => v.name === req.cdrom?.volume);
        if (!iso)
          throw new AppError('VOLUME_NOT_FOUND', `no ISO "${req.cdrom.volume}" in pool "${req.cdrom.pool}"`);
        cdromPath = iso.path;
      }
      const seedPlan = req.cloudInit
        ? await seeds.plan(req.cloudInit, req.name, req.disks[0]?.pool ?? '')
        : undefined;

      // From here on, everything made is undone if a later step fails.
      const made: Array<{ pool: string; name: string }> = [];
      const volumes = operationVolumes(deps.pending, `creation of VM "${req.name}"`);
      let definedUuid: string | null = null;
      try {
        const disks = await diskSources.realize(diskPlan, { by, say, again, made, volumes });
        say('Defining the virtual machine');
        const xml = buildDomainXml({
          virtType: (await h.kvmAvailable()) ? 'kvm' : 'qemu',
          cpu,
          name: req.name,
          vcpus: req.vcpus,
          memoryMiB: req.memoryMiB,
          disks,
          ...(cdromPath ? { cdrom: { path: cdromPath } } : {}),
          ...(seedPlan ? { seed: { path: seedPlan.path } } : {}),
          network: req.network,
          bootOrder: req.bootOrder,
          ...(req.description ? { description: req.description } : {}),
          ...platform.spec,
        });
        const info = await h.defineDomain(xml);
        definedUuid = info.uuid;
        if (seedPlan && req.cloudInit) {
          // after the definition: the network config matches the MAC libvirt gave the NIC
          say(`Writing the cloud-init seed ${seedPlan.volume}`);
          const mac = parseDomainXml(await h.domainXml(info.uuid, { inactive: true })).nics[0]?.mac ?? null;
          const config = req.cloudInit;
          await volumes.making({ pool: seedPlan.pool, name: seedPlan.volume }, () =>
            seeds.write(seedPlan, config, { name: req.name, uuid: info.uuid, mac }),
          );
          // only once written: a failed write leaves nothing, and the name may be someone else's file
          made.push({ pool: seedPlan.pool, name: seedPlan.volume });
        }
        if (req.os) await deps.metadata?.update(info.uuid, (m) => ({ ...m, osPreset: req.os }));
        if (platform.notes.length) record(`VM "${req.name}": ${platform.notes.join('; ')}`, by, 'warning');
        say('Setting autostart');
        if (req.autostart) await h.setDomainAutostart(info.uuid, true);
        record(
          `VM "${req.name}" created (${req.vcpus} vCPU, ${req.memoryMiB} MiB, ${req.disks.length} disk)`,
          by,
        );
        await fresh(info.uuid);
        const created = await detail(info.uuid);
        // done: the VM is defined with every volume (and a failure before here rolled them back)
        await volumes.done(made);
        return created;
      } catch (err) {
        const undo: UndoStep[] = [];
        if (definedUuid) {
          const u = definedUuid;
          undo.push({ what: `VM "${req.name}" could not be undefined`, run: () => h.undefineDomain(u) });
          // forget it now, so its disks are not "in use" by it while they are removed
          undo.push({ what: 'the VM list could not be refreshed', run: () => deps.inventory.refresh(u) });
        }
        undo.push(...undoVolumes(made, { storage: deps.storage, volumes }));
        const failed = await rollBack(undo);
        record(
          `Creating VM "${req.name}" failed and was ${rolledBack(failed)}: ${(err as Error).message}`,
          by,
          'error',
        );
        throw withLeftovers(err, failed);
      }
    },
    async remove(uuid, opts, by, progress) {
      const r = await fresh(uuid);
      if (r.info.active)
        throw new AppError('VM_STATE_INVALID', `"${r.info.name}" is running; power it off first`);
      await deps.beforeRemove?.(uuid);
      // its disks, and the cloud-init seed the host wrote for it
      const disks = r.spec.disks.filter(
        (d) =>
          d.source && (d.device === 'disk' || (d.device === 'cdrom' && isSeedPath(d.source, r.info.name))),
      );
      const total = 1 + (opts.deleteVolumes ? disks.length : 0);
      progress?.(1, total, `Removing "${r.info.name}"`);
      // with its NVRAM file and TPM state (the hypervisor's undefine flags)
      await hv().undefineDomain(uuid);
      if (r.spec.platform.tpm)
        await hv()
          .removeLeftoverTpmState(uuid)
          .catch(() => false);
      deps.guest?.forget(uuid);
      await deps.inventory.refresh(uuid); // gone from the inventory before its disks are checked
      if (opts.deleteVolumes) {
        const located = await deps.storage.locate(disks.map((d) => d.source ?? ''));
        for (const [i, d] of disks.entries()) {
          progress?.(i + 2, total, `Deleting ${d.source}`);
          const vol = located.get(d.source ?? '');
          if (vol) await deps.storage.deleteVolume(vol.pool, vol.volume, by);
        }
      }
      record(`VM "${r.info.name}" deleted${opts.deleteVolumes ? ' with its disks' : ''}`, by, 'warning');
      await deps.inventory.refresh(uuid);
    },
    async snapshots(uuid) {
      const r = await get(uuid);
      const quiesced = new Set(r.spec.metadata.quiescedSnapshots ?? []);
      const list = await hv().listSnapshots(uuid);
      return list
        .map((s) => {
          const p = parseSnapshotXml(s.xml);
          return {
            name: p.name,
            description: p.description,
            createdAt: p.createdAt,
            state: p.state,
            current: s.current,
            ...(quiesced.has(p.name) ? { quiesced: true } : {}),
          };
        })
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async createSnapshot(uuid, req, by) {
      const r = await fresh(uuid);
      const xml = buildSnapshotXml({
        name: req.name,
        ...(req.description ? { description: req.description } : {}),
      });
      const quiesced = await quiescedSnapshot(
        hv(),
        r,
        req.quiesce ?? 'auto',
        () => hv().createSnapshot(uuid, xml),
        deps.freezeMarks,
      );
      if (quiesced) {
        await deps.metadata?.update(uuid, (m) => ({
          ...m,
          quiescedSnapshots: [...(m.quiescedSnapshots ?? []).filter((n) => n !== req.name), req.name].slice(
            -256,
          ),
        }));
        await fresh(uuid); // the list reads the metadata from the inventory
      }
      record(
        `VM "${r.info.name}": snapshot "${req.name}" created${quiesced ? ' (filesystems frozen by the guest agent)' : ''}`,
        by,
      );
    },
    async revertSnapshot(uuid, name, by) {
      const r = await get(uuid);
      await hv().revertSnapshot(uuid, name);
      record(`VM "${r.info.name}": reverted to snapshot "${name}"`, by, 'warning');
      const now = await fresh(uuid);
      // the memory of a quiesced snapshot holds frozen filesystems: thaw them (a no-op otherwise)
      if (now.info.active && r.spec.metadata.quiescedSnapshots?.includes(name)) {
        if (!(await thawGuest(hv(), uuid))) {
          record(
            `VM "${r.info.name}": its filesystems were frozen in snapshot "${name}" and its guest agent did not answer the thaw; they may still be frozen`,
            by,
            'error',
          );
        }
      }
    },
    async deleteSnapshot(uuid, name, by) {
      const r = await get(uuid);
      await hv().deleteSnapshot(uuid, name);
      if (r.spec.metadata.quiescedSnapshots?.includes(name)) {
        await deps.metadata?.update(uuid, (m) => ({
          ...m,
          quiescedSnapshots: (m.quiescedSnapshots ?? []).filter((n) => n !== name),
        }));
        await fresh(uuid);
      }
      record(`VM "${r.info.name}": snapshot "${name}" deleted`, by);
    },
    diskUsers,
  };
}
