import { z } from 'zod';
import { IsoTime } from './common.ts';

/** Severities, lowest first. journald's emerg/alert/crit all map to `critical`. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical'] as const;
export const LogLevel = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevel>;

/** Where the host reads its logs: the systemd journal (the ISO) or plain files (elsewhere). */
export const LogBackend = z.enum(['journald', 'files']);
export type LogBackend = z.infer<typeof LogBackend>;

/**
 * A systemd unit (`libvirtd.service`), a syslog identifier (`kernel`) or a file source
 * (`quantix-host`, `libvirtd`, `qemu:<vm name>`). No whitespace, control or glob characters:
 * journalctl would read `*`, `?` and `[` as a pattern.
 */
export const LogSourceId = z
  .string()
  .min(1)
  .max(256)
  .refine(
    (s) => ![...s].some((c) => c <= ' ' || c === '\x7f' || c === '*' || c === '?' || c === '[' || c === ']'),
    'no whitespace, control or glob characters',
  );
export type LogSourceId = z.infer<typeof LogSourceId>;

export const LogEntry = z.object({
  /** opaque; pass as `before` to read what is older than this entry */
  cursor: z.string(),
  timestamp: IsoTime,
  level: LogLevel,
  source: z.string(),
  message: z.string(),
  pid: z.number().int().optional(),
  hostname: z.string().optional(),
});
export type LogEntry = z.infer<typeof LogEntry>;

const filters = {
  /** minimum severity */
  level: LogLevel.optional(),
  /** exactly this source */
  source: LogSourceId.optional(),
  /** substring of the message, case-insensitive */
  text: z.string().max(200).optional(),
  since: IsoTime.optional(),
  until: IsoTime.optional(),
};
const sinceBeforeUntil = (q: { since?: string | undefined; until?: string | undefined }): boolean =>
  !q.since || !q.until || Date.parse(q.since) <= Date.parse(q.until);
const SINCE_UNTIL = { message: 'since must not be after until', path: ['since'] };

/** `GET /logs?level=&source=&text=&since=&until=&before=&limit=` (also `GET /vms/:name/log`, minus `source`). */
export const LogQuery = z
  .object({
    ...filters,
    /** a `nextBefore` (or an entry's cursor): the page of entries older than it */
    before: z.string().min(1).max(8192).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine(sinceBeforeUntil, SINCE_UNTIL);
export type LogQuery = z.infer<typeof LogQuery>;

/** `GET /logs/download?…&format=text|ndjson`: the filters, newest first, at most `LOG_DOWNLOAD_MAX` entries. */
export const LogDownloadQuery = z
  .object({ ...filters, format: z.enum(['text', 'ndjson']).default('text') })
  .refine(sinceBeforeUntil, SINCE_UNTIL);
export type LogDownloadQuery = z.infer<typeof LogDownloadQuery>;
export const LOG_DOWNLOAD_MAX = 100_000;

export const LogPage = z.object({
  /** newest first */
  entries: z.array(LogEntry),
  /** pass as `before` for the next (older) page; null when there is nothing older */
  nextBefore: z.string().nullable(),
  backend: LogBackend,
  /** what limited this page: an unreadable file, the scan budget, journalctl's output cap */
  warnings: z.array(z.string()).optional(),
});
export type LogPage = z.infer<typeof LogPage>;

export const LogSource = z.object({ id: z.string(), label: z.string(), kind: z.enum(['unit', 'file']) });
export type LogSource = z.infer<typeof LogSource>;
export const LogSources = z.object({ backend: LogBackend, sources: z.array(LogSource) });
export type LogSources = z.infer<typeof LogSources>;

/** socket `logs:tail`: the same filters as a query, minus paging. Replaces the socket's previous tail. */
export const LogTailRequest = z.strictObject(filters).refine(sinceBeforeUntil, SINCE_UNTIL);
export type LogTailRequest = z.infer<typeof LogTailRequest>;

/** socket `logs:dropped`: entries of a tail not sent because they came too fast. */
export const LogTailDropped = z.object({ count: z.number().int().positive() });
export type LogTailDropped = z.infer<typeof LogTailDropped>;
