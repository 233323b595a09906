import type { TailStop } from './file-source.ts';
import { Readable } from 'node:stream';
import {
  AppError,
  LOG_DOWNLOAD_MAX,
  type LogBackend,
  type LogDownloadQuery,
  type LogEntry,
  type LogPage,
  type LogQuery,
  type LogSources,
} from '@quantix/shared';
import type { FileSource, FileSpec } from './file-source.ts';
import type { JournaldSource } from './journald-source.ts';
import type { LogFilter } from './log-filter.ts';
import { listQemuLogs, QEMU_SOURCE_PREFIX, qemuLogSpec } from './qemu-logs.ts';

export interface LogsServiceDeps {
  backend: LogBackend;
  /** required for the journald backend */
  journald?: JournaldSource;
  /** the file logs (files backend) and, with either backend, the QEMU logs */
  files: FileSource;
  /** /var/log/libvirt/qemu: libvirt writes each VM's QEMU log there, journald or not */
  qemuLogDir: string;
  downloadMax?: number;
}

export interface LogsService {
  readonly backend: LogBackend;
  sources(): Promise<LogSources>;
  query(q: LogQuery): Promise<LogPage>;
  /** entries as they are written, from now on; returns unsubscribe */
  tail(f: LogFilter, onEntry: (e: LogEntry) => void): TailStop;
  /** which backend serves these filters (QEMU sources are always files) */
  backendFor(f: LogFilter): LogBackend;
  /** newest first, text (`<time> <level> <source>: <message>`) or NDJSON, at most downloadMax entries */
  download(q: LogDownloadQuery): Promise<Readable>;
  /** the QEMU log of one VM */
  vmLog(name: string, q: LogQuery): Promise<LogPage>;
}

const PAGE = 1000;

export function formatTextLine(e: LogEntry): string {
  const pid = e.pid === undefined ? '' : `[${e.pid}]`;
  return `${e.timestamp} ${e.level.padEnd(8)} ${e.source}${pid}: ${e.message.replaceAll('\n', '\n    ')}\n`;
}

export function createLogsService(deps: LogsServiceDeps): LogsService {
  const { backend, files, qemuLogDir } = deps;
  const downloadMax = deps.downloadMax ?? LOG_DOWNLOAD_MAX;
  if (backend === 'journald' && !deps.journald)
    throw new Error('the journald backend needs a journald source');

  const vmSpec = (name: string): FileSpec => {
    const spec = qemuLogSpec(qemuLogDir, name);
    if (!spec) throw new AppError('VALIDATION_FAILED', `not a VM name: ${JSON.stringify(name.slice(0, 80))}`);
    return spec;
  };
  const qemuName = (source: string | undefined): string | null =>
    source?.startsWith(QEMU_SOURCE_PREFIX) ? source.slice(QEMU_SOURCE_PREFIX.length) : null;
  const backendFor = (f: LogFilter): LogBackend => (qemuName(f.source) === null ? backend : 'files');

  async function query(q: LogQuery): Promise<LogPage> {
    const vm = qemuName(q.source);
    if (vm !== null) return files.queryFiles([vmSpec(vm)], q);
    if (backend === 'journald' && deps.journald) return deps.journald.query(q);
    return files.query(q);
  }

  return {
    backend,
    backendFor,
    query,
    async sources() {
      if (backend === 'files') return { backend, sources: await files.sources() };
      const [units, qemu] = await Promise.all([deps.journald?.sources() ?? [], listQemuLogs(qemuLogDir)]);
      return {
        backend,
        sources: [...units, ...qemu.map((s) => ({ id: s.id, label: s.label, kind: 'file' as const }))],
      };
    },
    tail(f, onEntry) {
      const vm = qemuName(f.source);
      if (vm !== null) return files.tailFiles([vmSpec(vm)], f, onEntry);
      if (backend === 'journald' && deps.journald) return deps.journald.tail(f, onEntry);
      return files.tail(f, onEntry);
    },
    async vmLog(name, q) {
      return files.queryFiles([vmSpec(name)], { ...q, source: undefined });
    },
    async download(q) {
      const { format, ...filters } = q;
      // the first page before any byte is sent, so a failure is still an HTTP error
      const first = await query({ ...filters, limit: Math.min(PAGE, downloadMax) });
      async function* chunks(): AsyncGenerator<string> {
        let page = first;
        let before: string | undefined;
        let sent = 0;
        for (;;) {
          const take = page.entries.slice(0, downloadMax - sent);
          sent += take.length;
          if (take.length > 0) {
            yield take
              .map((e) => (format === 'ndjson' ? `${JSON.stringify(e)}\n` : formatTextLine(e)))
              .join('');
          }
          if (!page.nextBefore || page.nextBefore === before) return;
          if (sent >= downloadMax) {
            if (format === 'text')
              yield `# stopped after ${downloadMax} entries; narrow the filters for more\n`;
            return;
          }
          before = page.nextBefore;
          page = await query({ ...filters, before, limit: Math.min(PAGE, downloadMax - sent) });
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },
  };
}
