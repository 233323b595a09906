import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import {
  AppError,
  type NicNetwork,
  type VmDiskAdd,
  type VmDiskUpdate,
  type VmHardware,
  type VmHardwareConfig,
  type VmHardwareResult,
  type VmHardwareUpdate,
  type VmNicAdd,
  type VmNicUpdate,
  type VmXmlPair,
  type VolumeRef,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import {
  addDisk,
  addNic,
  diskTargets,
  freeTarget,
  type Media,
  removeDisk,
  removeNic,
  setCdromMedia,
  setDiskBus,
  updateNic,
} from '../libvirt-xml/domain-edit-devices.ts';
import { pendingItems, parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import {
  bootsFrom,
  setBootOrder,
  setCpuModel,
  setDescription,
  setMemory,
  setVcpus,
} from '../libvirt-xml/domain-edit.ts';
import { parseVmMetadata } from '../libvirt-xml/vm-metadata.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import type { CpuProbe } from './cpu-probe.ts';
import { cpuLabel } from './start-failure.ts';
import type { VmInventory } from './vm-inventory.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export type Progress = (step: number, total: number, message: string) => void;

export interface VmHardwareService {
  get(uuid: string): Promise<VmHardware>;
  /** both definitions' XML, and what differs between them */
  xml(uuid: string): Promise<VmXmlPair>;
  update(uuid: string, req: VmHardwareUpdate, by: string): Promise<VmHardwareResult>;
  addDisk(uuid: string, req: VmDiskAdd, by: string, progress?: Progress): Promise<VmHardwareResult>;
  updateDisk(uuid: string, target: string, req: VmDiskUpdate, by: string): Promise<VmHardwareResult>;
  removeDisk(
    uuid: string,
    target: string,
    opts: { deleteVolume: boolean },
    by: string,
  ): Promise<VmHardwareResult>;
  addNic(uuid: string, req: VmNicAdd, by: string): Promise<VmHardwareResult>;
  updateNic(uuid: string, mac: string, req: VmNicUpdate, by: string): Promise<VmHardwareResult>;
  removeNic(uuid: string, mac: string, by: string): Promise<VmHardwareResult>;
}

/** One edit's view of the VM: both definitions as they were when it began. */
interface EditCtx {
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

/**
 * The Hardware tab's rules. Every edit changes the persistent definition first (DefineXML of the
 * edited XML: libvirt validates it, and a refusal leaves the running guest untouched); then, on a
 * running VM, what libvirt can change live is changed live. What it cannot (or what fails live)
 * stays pending until the next start, and the answer's notes say which was which.
 */
export function createVmHardwareService(deps: {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  storage: StorageService;
  events: EventStore;
  cpu: CpuProbe;
  metadata: VmMetadataWriter;
}): VmHardwareService {
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
        enabled: info.autostart,
        order: meta.startOrder ?? null,
        delaySeconds: meta.startDelaySeconds ?? 0,
      },
    };
  };

  const record = (message: string, source: string, level: 'info' | 'warning' = 'info') =>
    void deps.events.record({ level, category: 'vm', message, source });

  /** Runs one edit: reads both definitions, lets `fn` change them, re-reads the VM for everyone. */
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
      const ctx: EditCtx = { name: info.name, active: info.active, config, live, notes: [], done: [] };
      await fn(ctx);
      await deps.inventory.refresh(uuid).catch(() => undefined);
      const hardware = await view(uuid);
      if (ctx.done.length > 0) {
        const later = hardware.pending.length > 0 ? ' (some from its next start)' : '';
        record(`VM "${info.name}": ${ctx.done.join('; ')}${later}`, by);
      }
      return { hardware, notes: ctx.notes };
    });

  /** The persistent definition, replaced by the edited one. */
  const define = async (ctx: EditCtx, xml: string) => {
    if (xml === ctx.config) return;
    await hv().defineDomain(xml);
    ctx.config = xml;
  };

  /** A live change: done, or (when libvirt cannot) left for the next start, and said so. */
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

  const volumePath = async (ref: VolumeRef): Promise<Media & { format: 'qcow2' | 'raw' }> => {
    const [pool, vols] = await Promise.all([deps.storage.pool(ref.pool), deps.storage.listVolumes(ref.pool)]);
    const v = vols.find((x) => x.name === ref.volume);
    if (!v) throw new AppError('VOLUME_NOT_FOUND', `no volume "${ref.volume}" in pool "${ref.pool}"`);
    const block = pool.type === 'logical';
    const format = !block && v.format === 'qcow2' ? 'qcow2' : 'raw';
    if (format === 'qcow2') await assertBackingInPool(pool.info.uuid, ref, pool.path);
    return { path: v.path, type: block ? 'block' : 'file', format };
  };
  /**
   * A qcow2 file names its backing file itself, and QEMU opens it with the VM: one outside the
   * pool (`-b /etc/shadow`) would hand the guest a host file. Only backing files in the same
   * pool's directory are accepted (linked clones).
   */
  const assertBackingInPool = async (poolUuid: string, ref: VolumeRef, poolPath: string | null) => {
    const info = (await hv().listVolumes(poolUuid)).volumes.find((x) => x.name === ref.volume);
    const backing = info ? /<backingStore>[\s\S]*?<path>([^<]*)<\/path>/.exec(info.xml)?.[1] : undefined;
    if (backing === undefined) return;
    const inside = poolPath !== null && dirname(backing) === poolPath.replace(/\/+$/, '');
    if (!inside) {
      throw new AppError(
        'EDIT_REFUSED',
        `volume "${ref.volume}" has a backing file outside pool "${ref.pool}" (${backing}): not attached`,
      );
    }
  };
  /** Which VM (other than this one) has this file as a disk or CD. */
  const otherUser = (uuid: string, path: string) =>
    deps.inventory
      .all()
      .find(
        (r) => r.info.uuid !== uuid && r.spec.disks.some((d) => d.source === path && d.device !== 'cdrom'),
      );

  const checkNetwork = async (net: NicNetwork | undefined) => {
    if (net?.type !== 'network') return;
    const nets = await hv().listNetworks();
    if (!nets.some((n) => n.name === net.name)) {
      throw new AppError('NETWORK_NOT_FOUND', `no virtual network named "${net.name}"`);
    }
  };

  const newMac = (taken: Set<string>): string => {
    for (;;) {
      const b = randomBytes(3);
      const mac = `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
      if (!taken.has(mac)) return mac;
    }
  };

  return {
    get: (uuid) => view(uuid),
    async xml(uuid) {
      const h = hv();
      const info = await h.domain(uuid);
      const [config, live] = await Promise.all([
        h.domainXml(uuid, { inactive: true }),
        info.active ? h.domainXml(uuid) : Promise.resolve(null),
      ]);
      return {
        live,
        config,
        pending: pendingItems(live ? parseHardwareXml(live) : null, parseHardwareXml(config)),
      };
    },

    update: (uuid, req, by) =>
      edit(uuid, by, async (ctx) => {
        const conf = parseHardwareXml(ctx.config);
        const live = ctx.live ? parseHardwareXml(ctx.live) : null;
        let xml = ctx.config;
        const live_: Array<() => Promise<void>> = [];

        if (req.vcpus !== undefined || req.maxVcpus !== undefined || req.topology !== undefined) {
          const t = req.topology;
          let max = req.maxVcpus ?? (t ? t.sockets * t.cores * t.threads : conf.maxVcpus);
          if (req.vcpus !== undefined && req.vcpus > max && req.maxVcpus === undefined && !t) {
            if (ctx.active) {
              throw new AppError(
                'EDIT_REFUSED',
                `"${ctx.name}" runs with at most ${conf.maxVcpus} vCPUs; raise the maximum (from its next start) to go beyond`,
              );
            }
            max = req.vcpus;
          }
          const vcpus = req.vcpus ?? (conf.vcpus === conf.maxVcpus ? max : Math.min(conf.vcpus, max));
          xml = setVcpus(xml, { vcpus, maxVcpus: max, ...(t !== undefined ? { topology: t } : {}) });
          ctx.done.push(`vCPUs ${vcpus}${max !== vcpus ? ` of ${max}` : ''}`);
          const after = parseHardwareXml(xml);
          if (
            live &&
            (after.maxVcpus !== live.maxVcpus ||
              JSON.stringify(after.topology) !== JSON.stringify(live.topology))
          ) {
            pendingNote(ctx, 'vCPU maximum and topology');
          } else if (live && vcpus > live.vcpus) {
            live_.push(
              async () =>
                void (await tryLive(ctx, `vCPUs ${vcpus}`, () => hv().setVcpus(uuid, vcpus, 'live'))),
            );
          } else if (live && vcpus < live.vcpus) {
            // taking vCPUs away needs the guest's cooperation, which a hung or BIOS-only guest never gives
            pendingNote(ctx, `vCPUs ${vcpus}`);
          }
        }

        if (req.memoryMiB !== undefined || req.currentMemoryMiB !== undefined) {
          const max = req.memoryMiB ?? conf.memoryMiB;
          const cur =
            req.currentMemoryMiB ??
            (conf.currentMemoryMiB === conf.memoryMiB ? max : Math.min(conf.currentMemoryMiB, max));
          xml = setMemory(xml, { memoryMiB: max, currentMemoryMiB: cur });
          ctx.done.push(`memory ${cur} MiB${cur !== max ? ` of ${max} MiB` : ''}`);
          if (live && max !== live.memoryMiB) pendingNote(ctx, `memory maximum ${max} MiB`);
          if (live && cur !== live.currentMemoryMiB) {
            if (cur <= live.memoryMiB) {
              live_.push(
                async () =>
                  void (await tryLive(ctx, `memory (balloon) ${cur} MiB`, () =>
                    hv().setMemory(uuid, Math.round(cur * 1024), 'live'),
                  )),
              );
            } else pendingNote(ctx, `memory ${cur} MiB (above the running maximum)`);
          }
        }

        if (req.cpu) {
          await deps.cpu.assertStartable(req.cpu);
          xml = setCpuModel(xml, req.cpu);
          const label = cpuLabel({
            mode: req.cpu.mode,
            model: req.cpu.mode === 'custom' ? req.cpu.model : null,
          });
          ctx.done.push(`CPU ${label}`);
          pendingNote(ctx, `CPU ${label}`);
        }
        if (req.bootOrder) {
          xml = setBootOrder(xml, req.bootOrder);
          ctx.done.push(`boot order ${req.bootOrder.join(', ')}`);
          pendingNote(ctx, 'boot order');
        }
        if (req.description !== undefined) {
          const text = req.description;
          xml = setDescription(xml, text);
          ctx.done.push('description');
          if (live && live.description !== text) {
            live_.push(
              async () =>
                void (await tryLive(ctx, 'description', () => hv().setDomainDescription(uuid, text, 'live'))),
            );
          }
        }

        await define(ctx, xml);
        for (const f of live_) await f();

        if (req.autostart) {
          const a = req.autostart;
          if (a.enabled !== undefined) {
            await hv().setDomainAutostart(uuid, a.enabled);
            ctx.done.push(`autostart ${a.enabled ? 'on' : 'off'}`);
          }
          if (a.order !== undefined || a.delaySeconds !== undefined) {
            await deps.metadata.update(uuid, (m) => {
              const next = { ...m };
              if (a.order === null) delete next.startOrder;
              else if (a.order !== undefined) next.startOrder = a.order;
              if (a.delaySeconds !== undefined) next.startDelaySeconds = a.delaySeconds;
              return next;
            });
            ctx.done.push('start order and delay');
          }
        }
      }),

    addDisk: (uuid, req, by, progress) =>
      edit(uuid, by, async (ctx) => {
        const taken = diskTargets(ctx.config, ...(ctx.live ? [ctx.live] : []));
        let madeVolume: { pool: string; name: string } | null = null;
        let spec: Parameters<typeof addDisk>[1];
        if (req.source === 'new') {
          const total = 2;
          progress?.(1, total, `Creating a ${req.sizeGiB} GiB ${req.format} volume in "${req.pool}"`);
          const pool = await deps.storage.pool(req.pool);
          if (pool.state !== 'running')
            throw new AppError('VM_STATE_INVALID', `storage pool "${req.pool}" is not running`);
          const names = new Set((await deps.storage.listVolumes(req.pool)).map((v) => v.name));
          const ext = req.format === 'qcow2' ? 'qcow2' : 'img';
          let name = req.name;
          // disk0, disk1, … as creation names them, whatever format the earlier ones have
          const bases = new Set([...names].map((n) => n.replace(/\.[^.]*$/, '')));
          for (let i = 0; !name; i++) {
            if (!bases.has(`${ctx.name}-disk${i}`)) name = `${ctx.name}-disk${i}.${ext}`;
          }
          if (names.has(name))
            throw new AppError('NAME_TAKEN', `pool "${req.pool}" already has a volume "${name}"`);
          const vol = await deps.storage.createVolume(
            req.pool,
            { name, format: req.format, sizeGiB: req.sizeGiB },
            by,
          );
          madeVolume = { pool: req.pool, name };
          const block = pool.type === 'logical';
          spec = {
            device: 'disk',
            type: block ? 'block' : 'file',
            path: vol.path,
            format: block ? 'raw' : req.format,
            bus: req.bus,
            target: freeTarget(req.bus, taken),
          };
          progress?.(2, total, 'Attaching it');
        } else if (req.source === 'volume') {
          const v = await volumePath({ pool: req.pool, volume: req.volume });
          const user = otherUser(uuid, v.path);
          if (user)
            throw new AppError('VOLUME_IN_USE', `volume "${req.volume}" is a disk of "${user.info.name}"`);
          if (parseHardwareXml(ctx.config).disks.some((d) => d.source === v.path)) {
            throw new AppError('EDIT_REFUSED', `volume "${req.volume}" is already a disk of "${ctx.name}"`);
          }
          const bus = req.bus;
          spec = {
            device: 'disk',
            type: v.type,
            path: v.path,
            format: v.format,
            bus,
            target: freeTarget(bus, taken),
          };
        } else {
          const media = req.media ? await volumePath(req.media) : null;
          const bus = req.bus;
          spec = {
            device: 'cdrom',
            type: media?.type ?? 'file',
            path: media?.path ?? null,
            format: 'raw',
            bus,
            target: freeTarget(bus, taken),
          };
        }
        const edited = addDisk(ctx.config, spec);
        try {
          await define(ctx, edited.xml);
        } catch (err) {
          if (madeVolume)
            await deps.storage
              .deleteVolume(madeVolume.pool, madeVolume.name, 'rollback')
              .catch(() => undefined);
          throw err;
        }
        const what = `${spec.device === 'cdrom' ? 'CD-ROM drive' : 'disk'} ${spec.target} (${spec.bus}) added`;
        ctx.done.push(`${what}${spec.path ? `: ${spec.path}` : ''}`);
        if (ctx.active) await tryLive(ctx, what, () => hv().attachDevice(uuid, edited.device, 'live'));
      }),

    updateDisk: (uuid, target, req, by) =>
      edit(uuid, by, async (ctx) => {
        const conf = parseHardwareXml(ctx.config);
        const disk = conf.disks.find((d) => d.target === target);
        if (!disk) throw new AppError('DEVICE_NOT_FOUND', `the VM has no disk ${target}`);
        let xml = ctx.config;
        const live_: Array<() => Promise<void>> = [];

        if (req.media !== undefined) {
          if (disk.device !== 'cdrom') throw new AppError('EDIT_REFUSED', `${target} is not a CD-ROM drive`);
          const media = req.media ? await volumePath(req.media) : null;
          xml = setCdromMedia(xml, target, media).xml;
          const what = media ? `CD-ROM ${target}: ${req.media?.volume} inserted` : `CD-ROM ${target} ejected`;
          ctx.done.push(what);
          const liveXml = ctx.live;
          const inLive =
            liveXml &&
            parseHardwareXml(liveXml).disks.some((d) => d.target === target && d.device === 'cdrom');
          if (liveXml && inLive) {
            live_.push(async () => {
              await tryLive(ctx, what, () =>
                hv().updateDevice(uuid, setCdromMedia(liveXml, target, media).device, 'live'),
              );
            });
          } else pendingNote(ctx, what);
        }

        if (req.sizeGiB !== undefined) {
          if (disk.device !== 'disk')
            throw new AppError('EDIT_REFUSED', `${target} is a ${disk.device}: only disks grow`);
          if (!disk.source) throw new AppError('EDIT_REFUSED', `${target} has no file or device to grow`);
          const vol = (await deps.storage.locate([disk.source])).get(disk.source);
          if (!vol)
            throw new AppError(
              'EDIT_REFUSED',
              `${disk.source} is not a volume of a storage pool: it cannot be grown here`,
            );
          const bytes = Math.round((req.sizeGiB * GiB) / MiB) * MiB;
          if (bytes < vol.capacity) {
            throw new AppError(
              'EDIT_REFUSED',
              `disks only grow: ${target} has ${(vol.capacity / GiB).toFixed(2)} GiB, more than ${req.sizeGiB} GiB (shrinking would cut off the guest's data)`,
            );
          }
          if (bytes > vol.capacity) {
            const what = `disk ${target} grown to ${req.sizeGiB} GiB`;
            const liveDisk = ctx.live
              ? parseHardwareXml(ctx.live).disks.find((d) => d.source === disk.source)
              : undefined;
            if (ctx.active && liveDisk) {
              // the running guest holds the file open: QEMU grows it (and tells the guest)
              await hv().blockResize(uuid, liveDisk.target, bytes);
              ctx.notes.push(`${what}: applied to the running VM`);
            } else {
              await deps.storage.resizeVolume(vol.pool, vol.volume, bytes / GiB, by);
            }
            const pool = await deps.storage.pool(vol.pool);
            await hv()
              .refreshPool(pool.info.uuid)
              .catch(() => undefined);
            ctx.done.push(what);
          } else ctx.notes.push(`disk ${target} already has ${req.sizeGiB} GiB`);
        }

        if (req.bus !== undefined && req.bus !== disk.bus) {
          const taken = diskTargets(xml, ...(ctx.live ? [ctx.live] : []));
          const moved = setDiskBus(xml, target, req.bus, taken);
          xml = moved.xml;
          ctx.done.push(
            `disk ${target} moved to ${req.bus}${moved.target !== target ? ` as ${moved.target}` : ''}`,
          );
          pendingNote(ctx, `disk ${target} on ${req.bus}`);
        }

        await define(ctx, xml);
        for (const f of live_) await f();
      }),

    removeDisk: (uuid, target, opts, by) =>
      edit(uuid, by, async (ctx) => {
        const conf = parseHardwareXml(ctx.config);
        const disk = conf.disks.find((d) => d.target === target);
        if (!disk) throw new AppError('DEVICE_NOT_FOUND', `the VM has no disk ${target}`);
        if (opts.deleteVolume && ctx.active) {
          throw new AppError(
            'VM_STATE_INVALID',
            `"${ctx.name}" is running; power it off to delete the disk's volume`,
          );
        }
        if (
          disk.device === 'disk' &&
          conf.disks.filter((d) => d.device === 'disk').length === 1 &&
          bootsFrom(ctx.config, 'hd')
        ) {
          throw new AppError(
            'EDIT_REFUSED',
            `${target} is the last disk of "${ctx.name}", which boots from disk: change the boot order first`,
          );
        }
        // the last CD drive takes its place in the boot order with it, unless it is all the VM boots from
        let xml = removeDisk(ctx.config, target).xml;
        if (
          disk.device === 'cdrom' &&
          conf.disks.filter((d) => d.device === 'cdrom').length === 1 &&
          bootsFrom(ctx.config, 'cdrom')
        ) {
          const rest = conf.bootOrder.filter((b) => b !== 'cdrom');
          if (rest.length === 0) {
            throw new AppError(
              'EDIT_REFUSED',
              `${target} is the only CD-ROM drive of "${ctx.name}", which boots only from CD-ROM: change the boot order first`,
            );
          }
          xml = setBootOrder(xml, rest);
        }
        const vol =
          opts.deleteVolume && disk.source
            ? (await deps.storage.locate([disk.source])).get(disk.source)
            : undefined;
        if (opts.deleteVolume) {
          if (disk.device !== 'disk')
            throw new AppError(
              'EDIT_REFUSED',
              `${target} is a ${disk.device}: its ISO is not deleted with it`,
            );
          if (!vol)
            throw new AppError('EDIT_REFUSED', `${disk.source ?? target} is not a volume of a storage pool`);
        }
        await define(ctx, xml);
        ctx.done.push(`${disk.device === 'cdrom' ? 'CD-ROM drive' : 'disk'} ${target} removed`);
        // unplugging a disk from under a running guest needs its cooperation: at the next start
        pendingNote(ctx, `${target} removed`);
        if (vol) {
          // forget the disk first, so the volume is not "in use" by this VM
          await deps.inventory.refresh(uuid);
          await deps.storage.deleteVolume(vol.pool, vol.volume, by);
          ctx.done.push(`volume "${vol.volume}" deleted`);
        }
      }),

    addNic: (uuid, req, by) =>
      edit(uuid, by, async (ctx) => {
        await checkNetwork(req.network);
        const macs = new Set(
          [ctx.config, ctx.live].flatMap((x) => (x ? parseHardwareXml(x).nics.map((n) => n.mac ?? '') : [])),
        );
        if (req.mac && macs.has(req.mac)) {
          throw new AppError(
            'EDIT_REFUSED',
            `"${ctx.name}" already has a network interface with MAC ${req.mac}`,
          );
        }
        // our own MAC when none is given: the live and the persistent copy must be the same NIC
        const mac = req.mac ?? newMac(macs);
        const edited = addNic(ctx.config, { ...req, mac });
        await define(ctx, edited.xml);
        const what = `network interface ${mac} (${req.model}, ${req.network.type}) added`;
        ctx.done.push(what);
        if (ctx.active) await tryLive(ctx, what, () => hv().attachDevice(uuid, edited.device, 'live'));
      }),

    updateNic: (uuid, mac, req, by) =>
      edit(uuid, by, async (ctx) => {
        await checkNetwork(req.network);
        await define(ctx, updateNic(ctx.config, mac, req).xml);
        const changes = [
          req.network
            ? `network ${req.network.type === 'user' ? 'user mode' : `${req.network.type} ${req.network.name}`}`
            : '',
          req.model ? `model ${req.model}` : '',
          req.mac ? `MAC ${req.mac}` : '',
          req.link ? `link ${req.link}` : '',
        ].filter(Boolean);
        ctx.done.push(`network interface ${mac}: ${changes.join(', ')}`);
        if (req.network || req.model || (req.mac && req.mac !== mac.toLowerCase())) {
          pendingNote(
            ctx,
            `network interface ${mac}: ${changes.filter((c) => !c.startsWith('link')).join(', ')}`,
          );
        }
        if (req.link && ctx.live) {
          const liveXml = ctx.live;
          const inLive = parseHardwareXml(liveXml).nics.some((n) => n.mac === mac.toLowerCase());
          const what = `network interface ${mac}: link ${req.link}`;
          if (inLive) {
            await tryLive(ctx, what, () =>
              hv().updateDevice(uuid, updateNic(liveXml, mac, { link: req.link }).device, 'live'),
            );
          } else pendingNote(ctx, what);
        }
      }),

    removeNic: (uuid, mac, by) =>
      edit(uuid, by, async (ctx) => {
        const xml = removeNic(ctx.config, mac).xml;
        const rest = parseHardwareXml(xml);
        if (rest.nics.length === 0 && bootsFrom(ctx.config, 'network')) {
          throw new AppError(
            'EDIT_REFUSED',
            `${mac} is the last NIC of "${ctx.name}", which boots from the network: change the boot order first`,
          );
        }
        await define(ctx, xml);
        ctx.done.push(`network interface ${mac} removed`);
        pendingNote(ctx, `network interface ${mac} removed`);
      }),
  };
}
