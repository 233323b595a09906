import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { AppError } from '@quantix/shared';
import type { SeedFiles } from './cloud-init-files.ts';

/**
 * Writes the seed ISO to `out` (absolute; must not exist): ISO 9660 with Joliet and Rock Ridge
 * (so `user-data` keeps its name and case), volume label `cidata`, what NoCloud looks for. xorriso
 * (Debian's, also what builds the host's own ISO) writes it: no npm package writes ISO 9660 with
 * Rock Ridge and is kept up.
 */
export async function writeSeedIso(files: SeedFiles, out: string): Promise<void> {
  if (!isAbsolute(out)) throw new AppError('INTERNAL', `not an absolute path: ${out}`);
  const dir = await mkdtemp(join(tmpdir(), 'qx-cidata-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o644 });
    await new Promise<void>((resolve, reject) => {
      execFile(
        'xorriso',
        ['-as', 'mkisofs', '-quiet', '-o', out, '-V', 'cidata', '-J', '-R', dir],
        { timeout: 60_000, encoding: 'utf8' },
        (err, _stdout, stderr) => {
          if (err)
            reject(
              new AppError('INTERNAL', `cannot write the cloud-init seed: ${stderr.trim() || err.message}`),
            );
          else resolve();
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
