import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BuildInfo } from '@quantix/shared';
import { REPO } from '../support/host-process.ts';

/**
 * The ISO the boot tests run: QUANTIX_TEST_ISO (what `make iso-test` built or took from its
 * cache), else the one `make iso` left in iso/out; its BUILD_INFO.json lies beside it.
 */
export function isoUnderTest(): { iso: string; info: BuildInfo } {
  const version = (JSON.parse(readFileSync(join(REPO, 'host/package.json'), 'utf8')) as { version: string })
    .version;
  const iso = process.env.QUANTIX_TEST_ISO ?? join(REPO, 'iso/out', `quantix-host-${version}.iso`);
  if (!existsSync(iso)) throw new Error(`no ISO at ${iso}: run make iso-test (or make iso) first`);
  const info = BuildInfo.parse(JSON.parse(readFileSync(join(dirname(iso), 'BUILD_INFO.json'), 'utf8')));
  return { iso, info };
}

/** Time limits that hold under software emulation too (KVM boots several times faster). */
export const bootLimitMs = (accel: 'kvm' | 'tcg') => (accel === 'kvm' ? 240_000 : 900_000);
