import { constants } from 'node:fs';
import { copyFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  type ImageFormat,
  type LinkedClone,
  type VmCloneRequest,
  type VmDetail,
  type VmSummary,
} from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import { isSeedPath, type SeedService } from '../cloud-init/cloud-init.service.ts';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { type ClonedDisk, cloneDomainXml } from '../libvirt-xml/clone-xml.ts';
import { parseDomainXml } from '../libvirt-xml/domain-xml.ts';
import { buildVolumeXml, parseVolumeBackingPath } from '../libvirt-xml/volume-xml.ts';
import { convertImage } from '../storage/images/qemu-img.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import { operationVolumes, type PendingVolumes } from '../storage/volumes/pending-volumes.ts';
import { rollBack, rolledBack, type UndoStep, undoVolumes, withLeftovers } from './rollback.ts';
import { checkVolumeImage } from './vm-disk-image.ts';
import type { VmInventory, VmRecord } from './vm-inventory.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';
import type { Progress } from './vm.service.ts';

const GiB = 1024 ** 3;
/** where libvirt (qemu:///system) keeps each UEFI VM's `<name>_VARS.fd` */
const NVRAM_DIR = '/var/lib/libvirt/qemu/nvram';
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export interface VmCloneService {
  /** a full or linked copy of a shut-off VM (linked: of a template only) */
  clone(uuid: string, req: VmCloneRequest, by: string, progress?: Progress): Promise<VmDetail>;
  /** marks a shut-off VM as a template for good: it never starts again, and linked clones may use its disks */
  makeTemplate(uuid: string, by: string): Promise<VmSummary>;
  /** the VMs whose disks are overlays on this VM's volumes */
  linkedClones(uuid: string): Promise<LinkedClone[]>;
  /** TEMPLATE_IN_USE while linked clones depend on the VM's volumes (for VmService.remove) */
  assertRemovable(uuid: string): Promise<void>;
}

interface SourceDisk {
  path: string;
  pool: string;
  volume: string;
  capacity: number;
  format: ImageFormat;
  poolUuid: string;
  logical: boolean;
}

export function createVmCloneService(deps: {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  storage: StorageService;
  events: EventStore;
  metadata: VmMetadataWriter;
  seeds: SeedService;
  detail: (uuid: string) => Promise<VmDetail>;
  summary: (uuid: string) => VmSummary | undefined;
  /** the journal of volumes being made, which a host killed mid-clone leaves for its next start */
  pending?: PendingVolumes;
}): VmCloneService {
  const hv = () => deps.monitor.get();
  const record = (message: string, source: string, level: 'info' | 'warning' | 'error' = 'info') =>
    void deps.events.record({ level, category: 'vm', message, source });
  const fresh = async (uuid: string): Promise<VmRecord> => {
    await deps.inventory.ready();
    const r = await deps.inventory.refresh(uuid);
    if (!r) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
    return r;
  };
  const assertOff = (r: VmRecord, what: string) => {
    if (r.info.active || (r.state !== 'shutoff' && r.state !== 'crashed')) {
      throw new AppError('VM_STATE_INVALID', `"${r.info.name}" is ${r.state}: shut it down to ${what} it`);
    }
  };

  /**
   * The VM's disks (not CD-ROMs) as pool volumes, in the format the VM reads them with: its inactive
   * definition's `<driver type>`, never a guess — a guest can write a qcow2 header naming
   * `backing=/etc/shadow` into a raw disk, and qemu-img's probe would follow it into the copy.
   * A qcow2 disk passes the image checks (no data file; a backing file only a template's disk).
   */
  const sourceDisks = async (r: VmRecord, inactiveXml: string): Promise<SourceDisk[]> => {
    const disks = parseDomainXml(inactiveXml).disks.filter((d) => d.device === 'disk' && d.source);
    const located = await deps.storage.locate(disks.map((d) => d.source ?? ''));
    const out: SourceDisk[] = [];
    for (const d of disks) {
      const path = d.source ?? '';
      const v = located.get(path);
      if (!v) {
        throw new AppError(
          'NOT_SUPPORTED',
          `disk ${d.target} (${d.source}) is not a volume of a storage pool`,
        );
      }
      if (d.format !== 'raw' && d.format !== 'qcow2') {
        throw new AppError(
          'NOT_SUPPORTED',
          `disk ${d.target} of "${r.info.name}" has ${d.format ? `format ${d.format}` : 'no format in its definition'}: only raw and qcow2 disks are cloned`,
        );
      }
      const format: ImageFormat = d.format;
      const pool = await deps.storage.pool(v.pool);
      if (format === 'qcow2') await checkVolumeImage(deps, { path, pool: v.pool, format });
      out.push({
        path,
        pool: v.pool,
        volume: v.volume,
        capacity: v.capacity,
        format,
        poolUuid: pool.uuid,
        logical: pool.type === 'logical',
      });
    }
    return out;
  };

  const linkedClonesOf = async (r: VmRecord): Promise<LinkedClone[]> => {
    const paths = new Set(
      r.spec.disks.filter((d) => d.device === 'disk' && d.source).map((d) => d.source ?? ''),
    );
    if (paths.size === 0) return [];
    const located = await deps.storage.locate([...paths]);
    const overlays = new Set<string>();
    for (const poolName of new Set([...located.values()].map((v) => v.pool))) {
      const pool = await deps.storage.pool(poolName);
      for (const v of (await hv().listVolumes(pool.uuid)).volumes) {
        const backing = parseVolumeBackingPath(v.xml);
        if (backing && paths.has(backing)) overlays.add(v.path);
      }
    }
    await deps.inventory.ready();
    return deps.inventory
      .all()
      .filter(
        (o) => o.info.uuid !== r.info.uuid && o.spec.disks.some((d) => d.source && overlays.has(d.source)),
      )
      .map((o) => ({ uuid: o.info.uuid, name: o.info.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  };

  return {
    async clone(uuid, req, by, progress) {
      const r = await fresh(uuid);
      assertOff(r, 'clone');
      if (req.mode === 'linked' && !r.spec.metadata.template) {
        throw new AppError(
          'VALIDATION_FAILED',
          `"${r.info.name}" is no template: convert it first, or make a full clone`,
        );
      }
      if (deps.inventory.all().some((o) => o.info.name === req.name)) {
        throw new AppError('NAME_TAKEN', `a virtual machine named "${req.name}" already exists`);
      }
      const sourceXml = await hv().domainXml(uuid, { inactive: true });
      const sources = await sourceDisks(r, sourceXml);
      if (req.mode === 'linked' && sources.some((s) => s.logical)) {
        throw new AppError(
          'NOT_SUPPORTED',
          'linked clones need qcow2 overlays: the template has disks in an LVM pool',
        );
      }
      const seedPlan = req.cloudInit
        ? await deps.seeds.plan(req.cloudInit, req.name, req.pool ?? sources[0]?.pool ?? '')
        : undefined;
      // a UEFI VM's clone gets a copy of its NVRAM (boot entries, Secure Boot keys) under its own
      // name; a file of that name left by a deleted VM would be taken by libvirt as the clone's
      const platform = parseDomainXml(sourceXml).platform;
      const nvramPath =
        platform.firmware === 'uefi' || /<nvram\b/.test(sourceXml)
          ? join(NVRAM_DIR, `${req.name}_VARS.fd`)
          : null;
      if (nvramPath && (await exists(nvramPath))) {
        throw new AppError(
          'NAME_TAKEN',
          `${nvramPath} exists (the NVRAM of an earlier VM named "${req.name}"?): delete it, or choose another name`,
        );
      }
      const total = sources.length + 2 + (seedPlan ? 1 : 0);
      let step = 0;
      const say = (m: string) => progress?.(++step, total, m);
      say(`Cloning "${r.info.name}" as "${req.name}" (${req.mode})`);

      const made: Array<{ pool: string; name: string }> = [];
      const volumes = operationVolumes(
        deps.pending,
        `${req.mode} clone of "${r.info.name}" as "${req.name}"`,
      );
      let definedUuid: string | null = null;
      let nvramCopied: string | null = null;
      try {
        const mapped: ClonedDisk[] = [];
        for (const [i, s] of sources.entries()) {
          const n = `${i + 1} of ${sources.length}`;
          if (req.mode === 'linked') {
            const name = `${req.name}-disk${i}.qcow2`;
            say(`Disk ${n}: overlay ${name} on ${s.volume}`);
            const v = await volumes.making({ pool: s.pool, name }, () =>
              hv().createVolume(
                s.poolUuid,
                buildVolumeXml({
                  name,
                  format: 'qcow2',
                  capacityBytes: s.capacity,
                  backingStore: { path: s.path, format: s.format },
                }),
              ),
            );
            made.push({ pool: s.pool, name });
            mapped.push({ from: s.path, to: v.path, format: 'qcow2' });
            continue;
          }
          const pool = req.pool ?? s.pool;
          const target = await deps.storage.pool(pool);
          const format: ImageFormat = target.type === 'logical' ? 'raw' : s.format;
          const name = `${req.name}-disk${i}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
          say(
            `Disk ${n}: copying ${s.volume} (${(s.capacity / GiB).toFixed(1)} GiB) to ${name} in "${pool}"`,
          );
          const v = await volumes.making({ pool, name }, () =>
            deps.storage.createVolume(pool, { name, format, sizeGiB: s.capacity / GiB }, by),
          );
          made.push({ pool, name });
          await convertImage({
            src: s.path,
            srcFormat: s.format,
            dst: v.path,
            dstFormat: format,
            onProgress: (p) => progress?.(step, total, `Disk ${n}: copying ${s.volume}: ${p}%`),
          });
          mapped.push({ from: s.path, to: v.path, format });
        }
        say(`Defining "${req.name}"`);
        // named in the definition, or (firmware autoselection) libvirt's own name for it
        const srcNvram = platform.nvram ?? join(NVRAM_DIR, `${r.info.name}_VARS.fd`);
        if (nvramPath && (await exists(srcNvram))) {
          // EXCL: never over a file that appeared meanwhile
          await copyFile(srcNvram, nvramPath, constants.COPYFILE_EXCL);
          nvramCopied = nvramPath;
        }
        const xml = cloneDomainXml(sourceXml, {
          name: req.name,
          ...(nvramCopied ? { nvramPath: nvramCopied } : {}),
          disks: mapped,
          isSeed: (p) => isSeedPath(p, r.info.name),
          ...(seedPlan ? { seedPath: seedPlan.path } : {}),
          ...(req.description !== undefined ? { description: req.description } : {}),
        });
        const info = await hv().defineDomain(xml);
        definedUuid = info.uuid;
        if (seedPlan && req.cloudInit) {
          say(`Writing the cloud-init seed ${seedPlan.volume}`);
          const mac =
            parseDomainXml(await hv().domainXml(info.uuid, { inactive: true })).nics[0]?.mac ?? null;
          const config = req.cloudInit;
          await volumes.making({ pool: seedPlan.pool, name: seedPlan.volume }, () =>
            deps.seeds.write(seedPlan, config, { name: req.name, uuid: info.uuid, mac }),
          );
          // only once written: a failed write leaves nothing, and the name may be someone else's file
          made.push({ pool: seedPlan.pool, name: seedPlan.volume });
        }
        record(`VM "${req.name}" created as a ${req.mode} clone of "${r.info.name}"`, by);
        await deps.inventory.refresh(info.uuid);
        const cloned = await deps.detail(info.uuid);
        // done: the clone is defined with every volume (and a failure before here rolled them back)
        await volumes.done(made);
        return cloned;
      } catch (err) {
        const undo: UndoStep[] = [];
        if (definedUuid) {
          const u = definedUuid;
          undo.push({ what: `VM "${req.name}" could not be undefined`, run: () => hv().undefineDomain(u) });
          undo.push({ what: 'the VM list could not be refreshed', run: () => deps.inventory.refresh(u) });
        }
        if (nvramCopied) {
          const f = nvramCopied;
          undo.push({ what: `the NVRAM copy ${f} could not be deleted`, run: () => rm(f, { force: true }) });
        }
        undo.push(...undoVolumes(made, { storage: deps.storage, volumes }));
        const failed = await rollBack(undo);
        record(
          `Cloning "${r.info.name}" as "${req.name}" failed and was ${rolledBack(failed)}: ${(err as Error).message}`,
          by,
          'error',
        );
        throw withLeftovers(err, failed);
      }
    },

    async makeTemplate(uuid, by) {
      const r = await fresh(uuid);
      if (r.spec.metadata.template)
        throw new AppError('VM_STATE_INVALID', `"${r.info.name}" is a template already`);
      assertOff(r, 'convert');
      // a template never starts: not at boot either
      if (r.info.autostart) await hv().setDomainAutostart(uuid, false);
      await deps.metadata.update(uuid, (m) => ({ ...m, template: true }));
      record(`VM "${r.info.name}" converted into a template`, by, 'warning');
      await deps.inventory.refresh(uuid);
      const s = deps.summary(uuid);
      if (!s) throw new AppError('VM_NOT_FOUND', `no virtual machine ${uuid}`);
      return s;
    },

    async linkedClones(uuid) {
      return linkedClonesOf(await fresh(uuid));
    },

    async assertRemovable(uuid) {
      const r = await fresh(uuid);
      if (!r.spec.metadata.template) return;
      const clones = await linkedClonesOf(r);
      if (clones.length) {
        throw new AppError(
          'TEMPLATE_IN_USE',
          `template "${r.info.name}" has linked clones: ${clones.map((c) => c.name).join(', ')}; delete them first`,
          { details: { vms: clones.map((c) => c.name) } },
        );
      }
    },
  };
}
