import type { PendingVolume } from '@quantix/shared';
import type { EventStore, Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../../hypervisor/hypervisor.ts';
import { parseDomainXml } from '../../libvirt-xml/domain-xml.ts';
import type { StorageService } from '../pools/pool.service.ts';
import type { PendingVolumes } from './pending-volumes.ts';

/** a sweep that could not settle every leftover is tried again after this long */
export const SWEEP_RETRY_MS = 60_000;

export interface SweepDeps {
  journal: PendingVolumes;
  monitor: HypervisorMonitor;
  storage: Pick<StorageService, 'pool' | 'listVolumes' | 'overlaysOf'>;
  events: Pick<EventStore, 'record'>;
  log: Logger;
}

/** What became of each leftover: `pool/volume` names. */
export interface SweepResult {
  /** unused, deleted */
  removed: string[];
  /** a VM uses it (the operation got further than the journal knew): kept, entry dropped */
  inUse: string[];
  /** no such volume (or pool) any more: entry dropped */
  gone: string[];
  /** could not be judged now (libvirt failed, the pool is stopped): kept for the next sweep */
  kept: string[];
}

/**
 * Every file or device a domain uses as a disk or CD-ROM, in its persistent definition and, while
 * it runs, its live one (a disk added on the Hardware tab is in the first before the second), read
 * from libvirt now rather than from the VM list, which may not have loaded.
 */
async function pathsInUse(hv: Hypervisor): Promise<Set<string>> {
  const out = new Set<string>();
  for (const d of await hv.listDomains()) {
    try {
      const xmls = [await hv.domainXml(d.uuid, { inactive: true })];
      if (d.active) xmls.push(await hv.domainXml(d.uuid));
      for (const xml of xmls)
        for (const disk of parseDomainXml(xml).disks) if (disk.source) out.add(disk.source);
    } catch (err) {
      // undefined since the listing: it uses nothing
      if ((err as { code?: string }).code !== 'VM_NOT_FOUND') throw err;
    }
  }
  return out;
}

/**
 * Settles the volumes an earlier run was making when it was killed (kill -9, power loss), as the
 * journal lists them, and nothing else: a volume that no domain uses — as a disk, a CD-ROM, or the
 * backing file of another volume — is deleted, with a warning event that names the operation; one
 * in use is kept; one that is gone is forgotten. When libvirt fails, the entry stays for next time.
 */
export async function sweepPendingVolumes(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { removed: [], inUse: [], gone: [], kept: [] };
  for (const e of deps.journal.leftovers()) {
    const label = `${e.pool}/${e.volume}`;
    try {
      const outcome = await settleOne(deps, e);
      if (outcome === 'kept') {
        result.kept.push(label);
        continue;
      }
      await deps.journal.settle(e);
      result[outcome].push(label);
    } catch (err) {
      deps.log.warn(
        { err, pool: e.pool, volume: e.volume },
        'could not settle a volume an interrupted operation left; trying again later',
      );
      result.kept.push(label);
    }
  }
  return result;
}

async function settleOne(deps: SweepDeps, e: PendingVolume): Promise<keyof SweepResult> {
  const pool = await deps.storage.pool(e.pool).catch((err: unknown) => {
    if ((err as { code?: string }).code === 'POOL_NOT_FOUND') return null;
    throw err;
  });
  if (!pool) return 'gone';
  if (pool.state !== 'running') return 'kept';
  // refreshed: a seed ISO is a file the pool may not have seen yet
  const vol = (await deps.storage.listVolumes(e.pool)).find((v) => v.name === e.volume);
  if (!vol) return 'gone';
  const hv = deps.monitor.get();
  const overlays = await deps.storage.overlaysOf(vol.path);
  if (overlays.length > 0 || (await pathsInUse(hv)).has(vol.path)) {
    deps.log.info(
      { pool: e.pool, volume: e.volume, doing: e.doing },
      'kept a volume an interrupted operation made: it is in use',
    );
    return 'inUse';
  }
  await hv.deleteVolume(pool.info.uuid, e.volume);
  void deps.events.record({
    level: 'warning',
    category: 'storage',
    message: `Volume "${e.volume}" removed from pool "${e.pool}": the host stopped during the ${e.doing} (begun ${e.since}), which left it half-made and unused`,
    source: 'system',
    details: { pool: e.pool, volume: e.volume, doing: e.doing, since: e.since },
  });
  return 'removed';
}

/**
 * Runs the sweep once libvirt answers after the start, again whenever it comes back, and every
 * `retryMs` while leftovers remain; stops for good once none remain. Returns stop.
 */
export function schedulePendingVolumeSweep(deps: SweepDeps & { retryMs?: number }): () => void {
  if (deps.journal.leftovers().length === 0) return () => {};
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    stopWatching();
  };
  const runOnce = async () => {
    if (running || stopped || !deps.monitor.status().available) return;
    running = true;
    clearTimeout(timer);
    try {
      const r = await sweepPendingVolumes(deps);
      if (r.removed.length + r.inUse.length + r.gone.length > 0)
        deps.log.info(r, 'settled the volumes interrupted operations left');
      if (r.kept.length === 0) return stop();
      if (stopped) return;
      timer = setTimeout(() => void run(), deps.retryMs ?? SWEEP_RETRY_MS);
      timer.unref();
    } finally {
      running = false;
    }
  };
  const run = () =>
    runOnce().catch((err: unknown) => deps.log.warn({ err }, 'the sweep of pending volumes failed'));
  const stopWatching = deps.monitor.onChange((s) => {
    if (s.available) void run();
  });
  void run();
  return stop;
}
