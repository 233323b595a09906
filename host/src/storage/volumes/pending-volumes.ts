import { AppError, type PendingVolume, PendingVolumesState } from '@quantix/shared';
import { type DiskWatch, openJsonStore } from '@quantix/shared/server';

/** A volume by pool and name, as the VM services' rollback lists hold them. */
export interface VolumeRef {
  pool: string;
  name: string;
}

export interface PendingVolumes {
  /**
   * Makes one volume for `doing` (`clone of "web01" as "web02"`): the entry is on disk before
   * `make` runs, so a host killed meanwhile finds it at its next start. A name the pool already
   * has is refused first (NAME_TAKEN): the journal names only volumes the host itself made. When
   * `make` fails, nothing was made and the entry goes again.
   */
  making<T>(ref: VolumeRef, doing: string, make: () => Promise<T>): Promise<T>;
  /**
   * The operation is over with these volumes: they are in use (the VM is defined, the disk
   * attached) or a rollback deleted them. Never fails: an entry that could not be dropped is
   * settled by the sweep at the next start, which keeps a volume in use.
   */
  done(refs: VolumeRef[]): Promise<void>;
  /** the entries an earlier run left (its operations were cut short), not yet settled */
  leftovers(): PendingVolume[];
  /** the sweep is done with a leftover: its volume deleted, kept in use, or gone */
  settle(entry: PendingVolume): Promise<void>;
}

const key = (pool: string, volume: string) => `${pool}\u0000${volume}`;

/**
 * pending-volumes.json in the data directory, one writer (this journal), written atomically and
 * durably through the state kit (a damaged file is restored from its `.bak`, like every store).
 */
export async function openPendingVolumes(deps: {
  file: string;
  /** whether the pool has a volume of this name now */
  exists: (ref: VolumeRef) => Promise<boolean>;
  disk?: DiskWatch;
  onRecovered?: (info: { file: string; reason: string }) => void;
  /** an entry that could not be dropped (the data disk is full, read-only) */
  onWriteError?: (err: unknown) => void;
  now?: () => Date;
}): Promise<PendingVolumes> {
  const now = deps.now ?? (() => new Date());
  const store = await openJsonStore<PendingVolumesState>({
    file: deps.file,
    schema: PendingVolumesState,
    initial: () => ({ schema: 1, volumes: [] }),
    ...(deps.disk ? { disk: deps.disk } : {}),
    ...(deps.onRecovered ? { onRecovered: deps.onRecovered } : {}),
  });
  // what the last run left; entries made from now on are this run's own, never swept by it
  const leftOver = new Set(store.data.volumes.map((v) => key(v.pool, v.volume)));
  const drop = (keys: Set<string>) =>
    store
      .update((d) => {
        d.volumes = d.volumes.filter((v) => !keys.has(key(v.pool, v.volume)));
      })
      .catch((err: unknown) => deps.onWriteError?.(err));

  return {
    async making(ref, doing, make) {
      const k = key(ref.pool, ref.name);
      const ours = store.data.volumes.find((v) => key(v.pool, v.volume) === k && !leftOver.has(k));
      if (ours) {
        throw new AppError(
          'NAME_TAKEN',
          `volume "${ref.name}" in pool "${ref.pool}" is being made by the ${ours.doing}`,
        );
      }
      if (await deps.exists(ref)) {
        throw new AppError('NAME_TAKEN', `pool "${ref.pool}" already has a volume "${ref.name}"`);
      }
      const entry: PendingVolume = { pool: ref.pool, volume: ref.name, doing, since: now().toISOString() };
      await store.update((d) => {
        // an earlier run's entry for a volume that is not there (it was killed before making it):
        // this operation takes it over, so the sweep leaves it alone
        d.volumes = d.volumes.filter((v) => key(v.pool, v.volume) !== k);
        d.volumes.push(entry);
      });
      leftOver.delete(k);
      try {
        return await make();
      } catch (err) {
        await drop(new Set([k]));
        throw err;
      }
    },
    async done(refs) {
      const keys = new Set(refs.map((r) => key(r.pool, r.name)).filter((k) => !leftOver.has(k)));
      if (keys.size > 0) await drop(keys);
    },
    leftovers: () => store.data.volumes.filter((v) => leftOver.has(key(v.pool, v.volume))),
    async settle(entry) {
      const k = key(entry.pool, entry.volume);
      if (!leftOver.has(k)) return;
      await store.update((d) => {
        d.volumes = d.volumes.filter((v) => key(v.pool, v.volume) !== k);
      });
      leftOver.delete(k);
    },
  };
}

/** The volumes one operation makes, journaled as `doing` (or, with no journal, just made). */
export interface OperationVolumes {
  making<T>(ref: VolumeRef, make: () => Promise<T>): Promise<T>;
  done(refs: VolumeRef[]): Promise<void>;
}

export function operationVolumes(journal: PendingVolumes | undefined, doing: string): OperationVolumes {
  return {
    making: (ref, make) => (journal ? journal.making(ref, doing, make) : make()),
    done: (refs) => journal?.done(refs) ?? Promise.resolve(),
  };
}
