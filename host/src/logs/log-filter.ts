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
  /** the lowest level rank that passes */
  minRank: number;
  /** see `textFragments` */
  fragments: readonly string[];
  /** level and text; source and time are checked by the callers, who can stop early on them */
  accepts(e: { level: LogLevel; message: string }): boolean;
  inRange(tsMs: number): boolean;
}

/**
 * Where a message can differ from the line it was read from: JSON quoting and escapes (`"`, `\`,
 * control characters), the joints the parsers add (` ` before a pino record's fields, `: ` in an
 * error summary, newlines between the lines of one entry, `…` after a cut), and how fields are
 * re-serialized (`{`, `}`, `,`, `:`). Surrogates and sigma, whose lower case depends on
 * what surrounds them, too.
 */
const JOINTS = /[\s"\\{}:,…\p{Cc}\p{Cs}σς]+/u;

/**
 * The pieces of a (lower-cased) search text that lie between joints. Each piece of a message
 * that matches the text appears, in lower case, in the raw line(s) the message came from: a
 * line without all of them cannot match, and need not be parsed.
 */
export function textFragments(needle: string): string[] {
  return [...new Set(needle.split(JOINTS).filter((f) => f !== ''))];
}

export function compileFilter(f: LogFilter): CompiledFilter {
  const minRank = f.level ? levelRank(f.level) : 0;
  const needle = f.text ? f.text.toLowerCase() : '';
  const sinceMs = f.since ? Date.parse(f.since) : Number.NEGATIVE_INFINITY;
  const untilMs = f.until ? Date.parse(f.until) : Number.POSITIVE_INFINITY;
  return {
    sinceMs,
    untilMs,
    minRank,
    fragments: textFragments(needle),
    accepts: (e) =>
      levelRank(e.level) >= minRank && (needle === '' || e.message.toLowerCase().includes(needle)),
    inRange: (t) => t >= sinceMs && t <= untilMs,
  };
}
