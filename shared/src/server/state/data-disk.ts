import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type DataDiskProblem, type DataDiskStatus } from '@quantix/shared';
import { TEMP_SUFFIX } from './durable-file.ts';

const FAULTS: Readonly<Record<string, DataDiskProblem>> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EROFS: 'read-only',
};

/** 'full' or 'read-only' when `err` says the disk cannot take a write; null for any other error. */
export function diskFault(err: unknown): DataDiskProblem | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return (code && FAULTS[code]) || null;
}

/** The API's answer to a write the data disk refused: 507 STORAGE_FULL, nothing changed. */
export function storageFullError(err: unknown): AppError {
  const message =
    diskFault(err) === 'read-only'
      ? 'the data disk is read-only: nothing was changed'
      : 'the data disk is full: nothing was changed; free space and retry';
  return new AppError('STORAGE_FULL', message, { cause: err });
}

/** A disk fault as 507 STORAGE_FULL; any other error as it is. */
export function orStorageFull(err: unknown): unknown {
  return diskFault(err) ? storageFullError(err) : err;
}

/** What a writer of the data directory reports after each write. */
export interface DiskWatch {
  /** returns true when `err` was a disk fault (and the disk is now marked unwritable) */
  writeFailed(err: unknown): boolean;
  writeSucceeded(): void;
}

export interface DataDisk extends DiskWatch {
  status(): DataDiskStatus;
  onChange(fn: (s: DataDiskStatus) => void): () => void;
  close(): void;
}

/** Enough room for a state file or two: a probe that fits means writes work again. */
export const PROBE_BYTES = 16 * 1024;
export const DEFAULT_PROBE_INTERVAL_MS = 2000;

/**
 * Whether the data directory can be written. Writers report their outcomes; the first disk fault
 * (ENOSPC, EDQUOT, EROFS) marks the disk unwritable, and from then on a probe file is written every
 * `probeIntervalMs` until one fits (or a writer succeeds), so the server notices freed space by itself.
 */
export function createDataDisk(deps: { dir: string; probeIntervalMs?: number; now?: () => Date }): DataDisk {
  const interval = deps.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  const now = deps.now ?? (() => new Date());
  let current: DataDiskStatus = { writable: true, problem: null, since: null };
  const listeners = new Set<(s: DataDiskStatus) => void>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const set = (next: DataDiskStatus) => {
    current = next;
    for (const fn of listeners) fn(next);
  };
  const arm = () => {
    clearTimeout(timer);
    if (closed || current.writable) return;
    timer = setTimeout(() => void probe(), interval);
    timer.unref();
  };
  const probe = async () => {
    try {
      await probeWrite(deps.dir);
      disk.writeSucceeded();
    } catch (err) {
      // a fault of another kind (the directory is gone, EIO) also leaves it unwritable: keep probing
      const problem = diskFault(err);
      if (problem && problem !== current.problem && !current.writable) set({ ...current, problem });
      arm();
    }
  };

  const disk: DataDisk = {
    status: () => current,
    writeFailed(err) {
      const problem = diskFault(err);
      if (!problem) return false;
      if (current.writable || current.problem !== problem) {
        set({ writable: false, problem, since: current.since ?? now().toISOString() });
        arm();
      }
      return true;
    },
    writeSucceeded() {
      if (current.writable) return;
      clearTimeout(timer);
      set({ writable: true, problem: null, since: null });
    },
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
  return disk;
}

/** Writes and syncs PROBE_BYTES to a temp file (a name the start-up sweep knows), then removes it. */
async function probeWrite(dir: string): Promise<void> {
  const file = join(dir, `.quantix-probe.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await fh.writeFile(Buffer.alloc(PROBE_BYTES));
    await fh.sync();
  } finally {
    await fh.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
  }
}
