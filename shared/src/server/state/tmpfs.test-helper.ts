import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** writes `<dir>/filler` until the file system says ENOSPC; returns the bytes written */
  fill(): number;
  /** removes the filler */
  free(): void;
  unmount(): void;
}

/** A real, tiny file system (tmpfs, we run as root): filling it gives real ENOSPC. */
export function mountSmallDisk(sizeKiB = 256): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'qx-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x55);
      let total = 0;
      try {
        // bounded: the file system is sizeKiB large
        for (let i = 0; i < sizeKiB; i++) total += writeSync(fd, chunk);
        throw new Error(`${dir} did not fill up`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return total;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', [dir]);
      } catch {
        execFileSync('umount', ['-l', dir]); // something still holds it open: detach it anyway
      }
      rmdirSync(dir);
    },
  };
}
