import { AppError } from '@quantix/shared';
import type { StorageService } from '../storage/pools/pool.service.ts';
import type { OperationVolumes, VolumeRef } from '../storage/volumes/pending-volumes.ts';

/** One undo step of a half-done creation or clone: what it undoes, and how. */
export interface UndoStep {
  what: string;
  run: () => Promise<unknown>;
}

/**
 * The undo steps that delete the volumes an operation made, newest first, each dropping its
 * journal entry once deleted: one that could not be deleted stays journaled, and the sweep at the
 * next start deletes it if nothing uses it by then.
 */
export function undoVolumes(
  made: VolumeRef[],
  deps: { storage: Pick<StorageService, 'deleteVolume'>; volumes: OperationVolumes },
): UndoStep[] {
  return [...made].reverse().map((m) => ({
    what: `volume "${m.name}" in pool "${m.pool}" could not be deleted`,
    run: async () => {
      await deps.storage.deleteVolume(m.pool, m.name, 'rollback');
      await deps.volumes.done([m]);
    },
  }));
}

/**
 * Runs the undo steps in order, every one even when an earlier one fails, and returns what could
 * not be undone ("volume X could not be deleted: …"): a failed rollback is said, never swallowed.
 */
export async function rollBack(steps: UndoStep[]): Promise<string[]> {
  const failed: string[] = [];
  for (const s of steps) {
    try {
      await s.run();
    } catch (err) {
      failed.push(`${s.what}: ${(err as Error).message}`);
    }
  }
  return failed;
}

/** "rolled back", or "rolled back, except: …" naming the steps that failed. */
export function rolledBack(failed: string[]): string {
  return failed.length ? `rolled back, except: ${failed.join('; ')}` : 'rolled back';
}

/**
 * The error the caller sees: the original one, or — when the rollback left something behind —
 * the same code with the leftovers named (and listed in `details.leftovers`).
 */
export function withLeftovers(err: unknown, failed: string[]): unknown {
  if (failed.length === 0) return err;
  const message = `${(err as Error).message} (${rolledBack(failed)})`;
  const code = err instanceof AppError ? err.code : 'INTERNAL';
  return new AppError(code, message, {
    cause: err,
    details: { ...(err instanceof AppError ? err.details : {}), leftovers: failed },
  });
}
