import { Low } from 'lowdb';
import type { z } from 'zod';
import { type DiskWatch, orStorageFull } from './data-disk.ts';
import { DurableJsonAdapter } from './durable-adapter.ts';

export interface JsonStore<T> {
  /** The current state. Treat as read-only; change it only through update(). */
  readonly data: Readonly<T>;
  /**
   * Applies `fn` to the state and resolves once the change is durable on disk. Updates run one
   * at a time, so `fn` sees every earlier update and may check-and-change atomically (throwing
   * from `fn` aborts without writing). If the write fails, the state is rolled back and the error
   * is thrown: nothing is acknowledged that is not on disk, and nothing on disk is forgotten.
   * A write the disk refuses (full, over quota, read-only) is an AppError STORAGE_FULL.
   */
  update<R>(fn: (draft: T) => R): Promise<R>;
}

export interface JsonStoreOptions<T> {
  file: string;
  schema: z.ZodType<T>;
  initial: () => T;
  onRecovered?: (info: { file: string; reason: string }) => void;
  /** told the outcome of every write, so the server knows when its data disk is full */
  disk?: DiskWatch;
}

export async function openJsonStore<T>(opts: JsonStoreOptions<T>): Promise<JsonStore<T>> {
  const adapter = new DurableJsonAdapter<T>({
    file: opts.file,
    schema: opts.schema,
    ...(opts.onRecovered ? { onRecovered: opts.onRecovered } : {}),
  });
  const initial = opts.initial();
  const db = new Low<T>(adapter, initial);
  await db.read();
  if (db.data === initial) {
    // first start: the file exists from now on
    await db.write().catch((err: unknown) => {
      throw orStorageFull(err);
    });
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get data() {
      return db.data;
    },
    update(fn) {
      const run = queue.then(async () => {
        const before = structuredClone(db.data);
        try {
          const result = fn(db.data);
          try {
            await db.write();
          } catch (err) {
            opts.disk?.writeFailed(err);
            throw orStorageFull(err);
          }
          opts.disk?.writeSucceeded();
          return result;
        } catch (err) {
          db.data = before;
          throw err;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
