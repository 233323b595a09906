import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO } from '../support/host-process.ts';

/**
 * `make iso` fails fast and says where: a package that does not exist (the test-only
 * QUANTIX_ISO_EXTRA_PACKAGES) stops the build in its rootfs stage, non-zero, with the stage's
 * name, and nothing in the output folder looks like a finished ISO. The cached Debian base of the
 * real build is reused, so this costs an `apt-get update`, not a debootstrap.
 */
describe('make iso with a stage forced to fail', () => {
  const out = mkdtempSync(join(tmpdir(), 'qx-iso-fail-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('exits non-zero naming the stage, and leaves no ISO', async () => {
    const child = spawn(join(REPO, 'iso/build.sh'), [], {
      env: { ...process.env, QUANTIX_ISO_OUT: out, QUANTIX_ISO_EXTRA_PACKAGES: 'quantix-no-such-package' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    assert.notEqual(code, 0, 'the build failed');
    assert.match(output, /stage "rootfs" FAILED/, output.slice(-2000));
    assert.match(output, /quantix-no-such-package/, 'apt names the package it could not find');
    assert.doesNotMatch(output, /^built /m);
    const left = readdirSync(out).filter((f) => f.endsWith('.iso') || f === 'BUILD_INFO.json');
    assert.deepEqual(left, [], 'no ISO and no BUILD_INFO.json look finished');
  });
});
