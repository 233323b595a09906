import { readFile } from 'node:fs/promises';
import { AppError } from '@quantix/shared';

/**
 * When swtpm cannot prepare a VM's TPM, libvirt says only "Could not run swtpm_setup … Check error
 * log '/var/log/swtpm/libvirt/qemu/<vm>-swtpm.log'": a file the admin in a browser cannot read.
 * The host runs beside libvirtd, so it reads that log and puts swtpm's own words into the error.
 */

const LOG_NAMED = /Check error log '(\/[^']+-swtpm\.log)'/;
// what swtpm_setup writes on every run, failed or not: not the reason
const ROUTINE =
  /^(Starting vTPM manufacturing|Ending vTPM manufacturing|Successfully |Invoking |Creating root CA)/;

/** swtpm's reason in its log text: the lines of its last run that are no routine progress. */
export function swtpmLastWords(log: string): string | null {
  const lastRun = log.slice(Math.max(0, log.lastIndexOf('Starting vTPM manufacturing')));
  const words = lastRun
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !ROUTINE.test(l))
    .slice(0, 4)
    .join(' ');
  if (!words) return null;
  return words.length > 300 ? `${words.slice(0, 297)}…` : words;
}

/** The same error with swtpm's words on a line of their own ("swtpm: …"), when its log names them. */
export async function withSwtpmWords(
  err: AppError,
  read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<AppError> {
  const path = LOG_NAMED.exec(err.message)?.[1];
  if (!path || path.includes('/../')) return err;
  const log = await read(path).catch(() => '');
  // only the end of a log that grows with every start of the VM
  const words = swtpmLastWords(log.slice(-16_384));
  return words ? new AppError(err.code, `${err.message}\nswtpm: ${words}`, { cause: err }) : err;
}
