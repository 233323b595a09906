import { LOG_LEVELS, type LogLevel } from '@quantix/shared';

/** The filters every backend understands (a query's, minus paging). */
export interface LogFilter {
  level?: LogLevel | undefined;
  source?: string | undefined;
  text?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export const levelRank = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

/** What a filter asks of one entry, with the times parsed once. */
export interface CompiledFilter {
  sinceMs: number;
  untilMs: number;
  /** level and text; source and time are checked by the callers, who can stop early on them */
  accepts(e: { level: LogLevel; message: string }): boolean;
  inRange(tsMs: number): boolean;
}

export function compileFilter(f: LogFilter): CompiledFilter {
  const minRank = f.level ? levelRank(f.level) : 0;
  const needle = f.text ? f.text.toLowerCase() : '';
  const sinceMs = f.since ? Date.parse(f.since) : Number.NEGATIVE_INFINITY;
  const untilMs = f.until ? Date.parse(f.until) : Number.POSITIVE_INFINITY;
  return {
    sinceMs,
    untilMs,
    accepts: (e) =>
      levelRank(e.level) >= minRank && (needle === '' || e.message.toLowerCase().includes(needle)),
    inRange: (t) => t >= sinceMs && t <= untilMs,
  };
}
