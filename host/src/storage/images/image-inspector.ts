import { stat } from 'node:fs/promises';
import type { ImageInfo } from '@quantix/shared';
import { inspectImage } from './qemu-img.ts';

export interface ImageInspector {
  /** inspectImage's verdict on a file (or its IMAGE_REFUSED), from the cache while the file is unchanged */
  inspect(path: string): Promise<ImageInfo>;
}

/**
 * inspectImage for a route anyone with a session can call in a loop: at most `concurrency`
 * qemu-img processes at once (the rest wait their turn), and the verdict — a refusal too — kept per
 * path, modification time and size, so asking again about an unchanged file spawns nothing.
 * Block devices (LVM volumes: no size, no mtime to go by) are always inspected afresh.
 */
export function createImageInspector(
  opts: { concurrency?: number; maxEntries?: number; run?: (path: string) => Promise<ImageInfo> } = {},
): ImageInspector {
  const concurrency = opts.concurrency ?? 2;
  const maxEntries = opts.maxEntries ?? 256;
  const run = opts.run ?? ((path: string) => inspectImage(path));
  const cache = new Map<string, { key: string; verdict: Promise<ImageInfo> }>();
  let running = 0;
  const waiting: Array<() => void> = [];

  const limited = async (path: string): Promise<ImageInfo> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await run(path);
    } finally {
      running--;
      waiting.shift()?.();
    }
  };

  return {
    async inspect(path) {
      const st = await stat(path).catch(() => null);
      if (!st?.isFile()) return limited(path);
      const key = `${st.mtimeMs}:${st.size}`;
      const hit = cache.get(path);
      if (hit?.key === key) {
        // the most recently asked last: the oldest goes first when the cache is full
        cache.delete(path);
        cache.set(path, hit);
        return hit.verdict;
      }
      const verdict = limited(path);
      // a refusal is a verdict too; the promise is kept, so a caught rejection is not "unhandled"
      verdict.catch(() => undefined);
      cache.delete(path);
      cache.set(path, { key, verdict });
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      return verdict;
    },
  };
}
