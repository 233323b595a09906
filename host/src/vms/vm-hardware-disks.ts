import {
  AppError,
  type VmDiskAdd,
  type VmDiskUpdate,
  type VmHardwareResult,
  type VolumeRef,
} from '@quantix/shared';
import {
  addDisk,
  diskTargets,
  freeTarget,
  type Media,
  removeDisk,
  setCdromMedia,
  setDiskBus,
} from '../libvirt-xml/domain-edit-devices.ts';
import { parseHardwareXml } from '../libvirt-xml/domain-edit-parse.ts';
import { bootsFrom, setBootOrder } from '../libvirt-xml/domain-edit.ts';
import { operationVolumes } from '../storage/volumes/pending-volumes.ts';
import { checkVolumeImage, overlayUsers } from './vm-disk-image.ts';
import type { HardwareCore, Progress } from './vm-hardware-core.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface DiskEdits {
  addDisk(uuid: string, req: VmDiskAdd, by: string, progress?: Progress): Promise<VmHardwareResult>;
  updateDisk(uuid: string, target: string, req: VmDiskUpdate, by: string): Promise<VmHardwareResult>;
  removeDisk(
    uuid: string,
    target: string,
    opts: { deleteVolume: boolean },
    by: string,
  ): Promise<VmHardwareResult>;
}

/** Disks and CD-ROM drives, addressed by target. */
export function createDiskEdits(core: HardwareCore): DiskEdits {
  const { deps, hv, edit, define, tryLive, pendingNote } = core;

  const volumePath = async (ref: VolumeRef): Promise<Media & { format: 'qcow2' | 'raw' }> => {
    const [pool, vols] = await Promise.all([deps.storage.pool(ref.pool), deps.storage.listVolumes(ref.pool)]);
    const v = vols.find((x) => x.name === ref.volume);
    if (!v) throw new AppError('VOLUME_NOT_FOUND', `no volume "${ref.volume}" in pool "${ref.pool}"`);
    const block = pool.type === 'logical';
    return { path: v.path, type: block ? 'block' : 'file', format: 'raw' };
  };
  /**
   * The format qemu-img finds in a file volume, checked: a data file or a backing file
   * (`-b /etc/shadow`) would hand the guest a host file; only a linked clone's backing file (a
   * template's disk in the same pool) passes. An LVM volume is attached raw, as creation makes it.
   */
  const diskFormat = async (ref: VolumeRef, v: Media): Promise<'qcow2' | 'raw'> => {
    if (v.type === 'block' || !v.path) return 'raw';
    return (await checkVolumeImage(deps, { path: v.path, pool: ref.pool })).format;
  };
  /** TEMPLATE_IN_USE while linked clones' overlays read this disk's volume. */
  const assertNoOverlays = async (vmName: string, target: string, path: string | null, doing: string) => {
    if (!path) return;
    const { volumes, vms } = await overlayUsers(deps, path);
    if (volumes.length === 0) return;
    throw new AppError(
      'TEMPLATE_IN_USE',
      `disk ${target} of "${vmName}" backs the linked clones ${vms.length ? vms.join(', ') : volumes.join(', ')}: it cannot be ${doing} while they exist`,
      { details: { vms } },
    );
  };
  /** Which VM (other than this one) has this file as a disk or CD. */
  const otherUser = (uuid: string, path: string) =>
    deps.inventory
      .all()
      .find(
        (r) => r.info.uuid !== uuid && r.spec.disks.some((d) => d.source === path && d.device !== 'cdrom'),
      );

  return {
    addDisk: (uuid, req, by, progress) =>
      edit(uuid, by, async (ctx) => {
        const taken = diskTargets(ctx.config, ...(ctx.live ? [ctx.live] : []));
        let madeVolume: { pool: string; name: string } | null = null;
        const volumes = operationVolumes(deps.pending, `new disk of VM "${ctx.name}"`);
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
          const ref = { pool: req.pool, name };
          const vol = await volumes.making(ref, () =>
            deps.storage.createVolume(req.pool, { name, format: req.format, sizeGiB: req.sizeGiB }, by),
          );
          madeVolume = ref;
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
          // a template's volume that linked clones read: a guest writing to it would corrupt them
          const backs = await overlayUsers(deps, v.path);
          if (backs.volumes.length) {
            throw new AppError(
              'VOLUME_IN_USE',
              `volume "${req.volume}" is the backing file of ${backs.volumes.join(', ')}: not attached`,
              { details: { vms: backs.vms } },
            );
          }
          if (parseHardwareXml(ctx.config).disks.some((d) => d.source === v.path)) {
            throw new AppError('EDIT_REFUSED', `volume "${req.volume}" is already a disk of "${ctx.name}"`);
          }
          const format = await diskFormat({ pool: req.pool, volume: req.volume }, v);
          const bus = req.bus;
          spec = {
            device: 'disk',
            type: v.type,
            path: v.path,
            format,
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
          if (madeVolume) {
            const m = madeVolume;
            // journaled until deleted: one the rollback could not delete goes at the next start
            await deps.storage
              .deleteVolume(m.pool, m.name, 'rollback')
              .then(() => volumes.done([m]))
              .catch(() => undefined);
          }
          throw err;
        }
        // in the VM's definition now: a sweep would keep it in any case
        if (madeVolume) await volumes.done([madeVolume]);
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
        if (disk.device === 'disk' && (req.sizeGiB !== undefined || req.bus !== undefined)) {
          await assertNoOverlays(ctx.name, target, disk.source, 'changed');
        }

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
        if (disk.device === 'disk') await assertNoOverlays(ctx.name, target, disk.source, 'removed');
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
  };
}
