import type { LogBackend, LogEntry, LogLevel, LogPage } from '@quantix/shared';
import type { ErrorInfo } from './app-state.ts';

/** What the filter form holds. Times are `datetime-local` values (local time, no zone); '' is open. */
export interface LogFilter {
  readonly level: LogLevel | '';
  readonly source: string;
  readonly text: string;
  readonly since: string;
  readonly until: string;
}

/** A log table: newest first, paged backwards with `nextBefore`, optionally growing at the top (live). */
export interface LogView {
  readonly filter: LogFilter;
  readonly entries: readonly LogEntry[];
  /** `before` for the next older page; null when there is nothing older */
  readonly nextBefore: string | null;
  readonly backend: LogBackend | null;
  readonly warnings: readonly string[];
  readonly loading: boolean;
  readonly loadingOlder: boolean;
  readonly error: ErrorInfo | null;
  readonly live: boolean;
  /** entries the host did not send during the live tail (too many per second) */
  readonly dropped: number;
  /** a download of the filtered log is being fetched */
  readonly downloading: boolean;
}

export const LOG_PAGE_SIZE = 200;
/** Live entries push the oldest out past this many rows; "Load older" brings them back. */
export const LOG_VIEW_MAX = 2000;

export const emptyLogFilter = (): LogFilter => ({ level: '', source: '', text: '', since: '', until: '' });

/**
 * What a log view starts with (and Clear goes back to): info and above. Routine debug lines —
 * the access log's line per API request above all — stay out until the level asks for them.
 */
export const defaultLogFilter = (): LogFilter => ({ ...emptyLogFilter(), level: 'info' });

export function initialLogView(): LogView {
  return {
    filter: defaultLogFilter(),
    entries: [],
    nextBefore: null,
    backend: null,
    warnings: [],
    loading: false,
    loadingOlder: false,
    error: null,
    live: false,
    dropped: 0,
    downloading: false,
  };
}

/** `2025-01-02T03:04` (local) → ISO with zone; '' and nonsense → null. */
export function localToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** An error to show beside the time fields, or null. */
export function checkLogFilter(filter: LogFilter): string | null {
  if (filter.since && !localToIso(filter.since)) return 'The start time is not a valid time.';
  if (filter.until && !localToIso(filter.until)) return 'The end time is not a valid time.';
  const since = localToIso(filter.since);
  const until = localToIso(filter.until);
  if (since && until && since > until) return 'The start time is after the end time.';
  if (filter.text.length > 200) return 'The search text is longer than 200 characters.';
  return null;
}

/** The filter as query parameters; `source` is left out for a VM's log, which has one source. */
export function logParams(filter: LogFilter, opts: { withSource?: boolean } = {}): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.level) q.set('level', filter.level);
  if (filter.source && opts.withSource !== false) q.set('source', filter.source);
  if (filter.text.trim()) q.set('text', filter.text.trim());
  const since = localToIso(filter.since);
  const until = localToIso(filter.until);
  if (since) q.set('since', since);
  if (until) q.set('until', until);
  return q;
}

/** `?level=…&before=…&limit=…` for one page. */
export function logPageQuery(
  filter: LogFilter,
  opts: { before?: string | null; limit?: number; withSource?: boolean } = {},
): string {
  const q = logParams(filter, opts);
  if (opts.before) q.set('before', opts.before);
  q.set('limit', String(opts.limit ?? LOG_PAGE_SIZE));
  return `?${q.toString()}`;
}

/** The socket `logs:tail` payload: the filters a live tail can use (a time range cannot). */
export function tailRequest(filter: LogFilter): { level?: LogLevel; source?: string; text?: string } {
  return {
    ...(filter.level ? { level: filter.level } : {}),
    ...(filter.source ? { source: filter.source } : {}),
    ...(filter.text.trim() ? { text: filter.text.trim() } : {}),
  };
}

/** A fresh first page replaces everything. */
export function withFirstPage<V extends LogView>(view: V, page: LogPage): V {
  return {
    ...view,
    entries: page.entries,
    nextBefore: page.nextBefore,
    backend: page.backend,
    warnings: page.warnings ?? [],
    loading: false,
    error: null,
    dropped: 0,
  };
}

/** An older page goes below; entries already shown (same cursor) are skipped. */
export function withOlderPage<V extends LogView>(view: V, page: LogPage): V {
  const known = new Set(view.entries.map((e) => e.cursor));
  const added = page.entries.filter((e) => !known.has(e.cursor));
  return {
    ...view,
    entries: added.length === 0 ? view.entries : [...view.entries, ...added],
    nextBefore: page.nextBefore,
    backend: page.backend,
    warnings: page.warnings ?? view.warnings,
    loadingOlder: false,
    error: null,
  };
}

/**
 * Live entries (oldest first, as they arrived) go on top, newest first. Past `max` rows the
 * oldest fall off, and the last kept row's cursor becomes `nextBefore` so "Load older" resumes
 * exactly where the table now ends.
 */
export function withLiveEntries<V extends LogView>(
  view: V,
  incoming: readonly LogEntry[],
  max = LOG_VIEW_MAX,
): V {
  if (incoming.length === 0) return view;
  // a live entry can only repeat one of the newest rows (a page read while the tail started)
  const recent = new Set(view.entries.slice(0, 200).map((e) => e.cursor));
  const fresh: LogEntry[] = [];
  for (const e of incoming) {
    if (recent.has(e.cursor)) continue;
    recent.add(e.cursor);
    fresh.push(e);
  }
  if (fresh.length === 0) return view;
  const merged = [...fresh.reverse(), ...view.entries];
  if (merged.length <= max) return { ...view, entries: merged };
  const kept = merged.slice(0, max);
  return { ...view, entries: kept, nextBefore: kept[kept.length - 1]?.cursor ?? view.nextBefore };
}
