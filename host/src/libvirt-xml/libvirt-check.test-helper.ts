import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '@quantix/shared';

// Test support (not a test file): hands built XML to libvirt itself. The test driver keeps its
// state inside one virsh process, so every define and the dumpxml after it run in one script.

const run = promisify(execFile);

/** A recorded libvirt XML file from ./fixtures. */
export const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** For assert.throws: a builder refused its input before any XML was made. */
export const validationFailure = (e: unknown): boolean =>
  e instanceof AppError && e.code === 'VALIDATION_FAILED';

function available(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export const virshMissing = available('virsh', ['--version']) ? false : 'virsh is not installed';
// virt-xml-validate is a shell script around xmllint (Debian: libvirt-clients + libxml2-utils)
export const validatorMissing =
  available('sh', ['-c', 'command -v virt-xml-validate']) && available('xmllint', ['--version'])
    ? false
    : 'virt-xml-validate or xmllint is not installed';

async function withFile<T>(xml: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'quantix-xml-'));
  try {
    const file = join(dir, 'input.xml');
    await writeFile(file, xml);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `before; <define FILE>; <after>` in one virsh against test:///default and returns stdout.
 * `define` is e.g. `pool-define` or `vol-create default-pool`; names in the script are the tests' own.
 */
export function virshRoundTrip(xml: string, define: string, after: string): Promise<string> {
  return withFile(xml, async (file) => {
    const { stdout } = await run('virsh', ['-q', '-c', 'test:///default', `${define} ${file}; ${after}`]);
    return stdout;
  });
}

/** The XML after the first line starting with `<` (virsh prints "Domain … defined" first). */
export function xmlPart(stdout: string): string {
  const start = stdout.indexOf('\n<');
  return start === -1 ? stdout : stdout.slice(start + 1);
}

/** libvirt's RelaxNG check; resolves to the validator's message, rejects when it fails. */
export function validateWithSchema(xml: string, schema: string): Promise<string> {
  return withFile(xml, async (file) => {
    const { stdout, stderr } = await run('virt-xml-validate', [file, schema]);
    return `${stdout}${stderr}`;
  });
}
