import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogBackend } from '@quantix/shared';
import { createFileSource, type FileSpec } from './file-source.ts';
import { createJournaldSource } from './journald-source.ts';
import { createLogsService, type LogsService } from './logs.service.ts';
import { listQemuLogs } from './qemu-logs.ts';

/** journald runs here: its socket directory exists and `journalctl --version` runs. */
export async function journaldAvailable(
  opts: { journalctl?: string; runDir?: string } = {},
): Promise<boolean> {
  if (!existsSync(opts.runDir ?? '/run/systemd/journal')) return false;
  return new Promise((resolve) => {
    execFile(opts.journalctl ?? 'journalctl', ['--version'], { timeout: 5000 }, (err) => resolve(!err));
  });
}

/** The files read without journald: the appliance's log, libvirtd's, and every VM's QEMU log. */
export function applianceLogFiles(opts: {
  appLogFile: string;
  libvirtLogDir: string;
}): () => Promise<FileSpec[]> {
  return async () => [
    { id: 'quantix-host', label: 'Quantix host', path: opts.appLogFile, format: 'pino' },
    { id: 'libvirtd', label: 'libvirtd', path: join(opts.libvirtLogDir, 'libvirtd.log'), format: 'libvirtd' },
    ...(await listQemuLogs(join(opts.libvirtLogDir, 'qemu'))),
  ];
}

/** For the composition root: journald where it runs, the files otherwise. */
export async function createHostLogs(opts: {
  appLogFile: string;
  libvirtLogDir?: string;
  journalRunDir?: string;
}): Promise<LogsService> {
  const libvirtLogDir = opts.libvirtLogDir ?? '/var/log/libvirt';
  const files = createFileSource({
    files: applianceLogFiles({ appLogFile: opts.appLogFile, libvirtLogDir }),
  });
  const qemuLogDir = join(libvirtLogDir, 'qemu');
  const runDir = opts.journalRunDir === undefined ? {} : { runDir: opts.journalRunDir };
  const backend: LogBackend = (await journaldAvailable(runDir)) ? 'journald' : 'files';
  if (backend === 'journald') {
    return createLogsService({ backend, journald: createJournaldSource(), files, qemuLogDir });
  }
  return createLogsService({ backend, files, qemuLogDir });
}
