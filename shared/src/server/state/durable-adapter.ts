import { rename } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { AppError } from '@quantix/shared';
import { readFileIfExists, writeFileDurable } from './durable-file.ts';

export interface DurableAdapterOptions<T> {
  file: string;
  schema: z.ZodType<T>;
  /** called when the main file was unreadable and the `.bak` was used instead */
  onRecovered?: (info: { file: string; reason: string }) => void;
}

/**
 * A lowdb adapter that parses with a zod schema, falls back to `<file>.bak` when the file is
 * unreadable (never to defaults), and writes atomically and durably. It is the only writer of
 * its file: writes are serialised and coalesced, and each write() resolves only once a write
 * that includes the caller's data is on disk.
 */
export class DurableJsonAdapter<T> implements Adapter<T> {
  readonly #opts: DurableAdapterOptions<T>;
  #chain: Promise<void> = Promise.resolve();
  #next: Promise<void> | null = null;
  #latest: T | null = null;

  constructor(opts: DurableAdapterOptions<T>) {
    this.#opts = opts;
  }

  async read(): Promise<T | null> {
    const { file } = this.#opts;
    const main = await this.#load(file);
    if (main.ok) return main.value;
    if (main.reason === 'missing') {
      // No main file: a crash can't cause this (rename is atomic), but a .bak means someone deleted it.
      const bak = await this.#load(`${file}.bak`);
      if (bak.ok) return this.#restore(bak.value, 'main file missing');
      if (bak.reason === 'missing') return null; // a first start
      throw new AppError('STATE_CORRUPT', `${file} is missing and its .bak is unreadable (${bak.reason})`);
    }
    const bak = await this.#load(`${file}.bak`);
    if (!bak.ok) {
      throw new AppError(
        'STATE_CORRUPT',
        `${file} is unreadable (${main.reason}) and so is its .bak (${bak.reason})`,
      );
    }
    // Keep the broken file for inspection, then put the backup back in place.
    await rename(file, `${file}.corrupt-${Date.now()}`);
    return this.#restore(bak.value, main.reason);
  }

  write(data: T): Promise<void> {
    this.#latest = data;
    if (!this.#next) {
      const next = this.#chain.then(() => {
        this.#next = null;
        return writeFileDurable(this.#opts.file, `${JSON.stringify(this.#latest, null, 1)}\n`);
      });
      this.#next = next;
      this.#chain = next.catch(() => undefined);
    }
    return this.#next;
  }

  async #restore(value: T, reason: string): Promise<T> {
    await writeFileDurable(this.#opts.file, `${JSON.stringify(value, null, 1)}\n`);
    this.#opts.onRecovered?.({ file: this.#opts.file, reason });
    return value;
  }

  async #load(path: string): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    const text = await readFileIfExists(path);
    if (text === null) return { ok: false, reason: 'missing' };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
    const parsed = this.#opts.schema.safeParse(json);
    if (!parsed.success)
      return { ok: false, reason: `schema mismatch: ${parsed.error.issues[0]?.message ?? ''}` };
    return { ok: true, value: parsed.data };
  }
}
