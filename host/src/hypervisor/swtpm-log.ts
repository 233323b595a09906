import { readFile, stat } from 'node:fs/promises';
import { AppError } from '@quantix/shared';

/**
 * When swtpm fails, libvirt either says "Could not run swtpm_setup … Check error log
 * '/var/log/swtpm/libvirt/qemu/<vm>-swtpm.log'" (a file the admin in a browser cannot read) or
 * nothing of swtpm at all: swtpm itself exited at start-up and QEMU then found its socket dead
 * ("-chardev socket,id=chrtpm,path=…-swtpm.sock: Failed to connect … Connection refused"). The
 * host runs beside libvirtd, so it reads what swtpm wrote to that log during this start and puts
 * swtpm's own words into the error.
 */

/** where libvirt 9 (privileged) has swtpm and swtpm_setup log, one file per VM name */
const SWTPM_LOG_DIR = '/var/log/swtpm/libvirt/qemu';
const NAMES_SWTPM = /swtpm/i;
// what swtpm_setup writes on every run, failed or not: not the reason
const ROUTINE =
  /^(Starting vTPM manufacturing|Ending vTPM manufacturing|Successfully |Invoking |Creating root CA)/;

/** swtpm's reason in what it wrote during one start: its first lines that are no routine progress. */
export function swtpmLastWords(written: string): string | null {
  const words = written
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !ROUTINE.test(l))
    .slice(0, 4)
    .join(' ');
  if (!words) return null;
  return words.length > 300 ? `${words.slice(0, 297)}…` : words;
}

/** Where one start's part of the log begins. */
export interface SwtpmLogMark {
  path: string;
  /** the log's size in bytes before the start; 0 when there was none */
  offset: number;
}

export interface SwtpmLogFiles {
  size(path: string): Promise<number>;
  read(path: string): Promise<Buffer>;
}

const files: SwtpmLogFiles = {
  size: async (p) => (await stat(p)).size,
  read: (p) => readFile(p),
};

/** Taken before a start: the VM's swtpm log and how long it is now. Never fails a start. */
export async function markSwtpmLog(vmName: string, fs: SwtpmLogFiles = files): Promise<SwtpmLogMark | null> {
  if (vmName.includes('/')) return null;
  const path = `${SWTPM_LOG_DIR}/${vmName}-swtpm.log`;
  return { path, offset: await fs.size(path).catch(() => 0) };
}

/** The same error with swtpm's words on a line of their own ("swtpm: …"), when this start wrote any. */
export async function withSwtpmWords(
  err: AppError,
  mark: SwtpmLogMark | null,
  fs: SwtpmLogFiles = files,
): Promise<AppError> {
  if (!mark || !NAMES_SWTPM.test(err.message)) return err;
  const log = await fs.read(mark.path).catch(() => null);
  if (!log) return err;
  // a log cut shorter meanwhile (rotated) is all this start's
  const written = log.subarray(log.length >= mark.offset ? mark.offset : 0).subarray(-16_384);
  const words = swtpmLastWords(written.toString('utf8'));
  return words ? new AppError(err.code, `${err.message}\nswtpm: ${words}`, { cause: err }) : err;
}
