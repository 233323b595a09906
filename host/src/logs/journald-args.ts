import type { LogFilter } from './log-filter.ts';
import { levelPriority } from './journald-parse.ts';

/**
 * Pure: journalctl argv from our filters. Paging newest first is `--reverse` plus
 * `--after-cursor=<cursor>`: with --reverse, "after" is in reading order, so it yields the entries
 * strictly older than the cursor (checked against journalctl 252 on a real journal file; `--cursor`
 * would repeat the cursor's own entry). `--lines=limit+1` tells whether there is another page.
 */

/** The fields we map; journalctl adds __CURSOR and the timestamps by itself. */
export const JOURNAL_FIELDS = [
  'MESSAGE',
  'PRIORITY',
  '_SYSTEMD_UNIT',
  'SYSLOG_IDENTIFIER',
  '_COMM',
  '_PID',
  '_HOSTNAME',
];

const UNIT_SUFFIX = /\.(service|socket|scope|slice|mount|automount|swap|target|timer|path|device)$/;

/** `libvirtd.service` is a unit; `kernel`, `sshd` are syslog identifiers. */
export const isUnitName = (source: string): boolean => UNIT_SUFFIX.test(source);

/** A literal for PCRE2: every ASCII punctuation character escaped. */
export const escapePcre = (text: string): string => text.replace(/[!-/:-@[-`{-~]/g, '\\$&');

/** `@<seconds since the epoch>`, a form journalctl parses without locale or zone trouble. */
export const epochArg = (iso: string): string => `@${(Date.parse(iso) / 1000).toFixed(3)}`;

/**
 * `grep: false`: the text is matched in JS instead (a journalctl built without PCRE2).
 * `since: false`: journalctl refuses --since next to --after-cursor, so a later page checks
 * `since` in JS (newest first, the first older entry ends the listing).
 */
export function filterArgs(f: LogFilter, opts: { grep: boolean; time?: boolean; since?: boolean }): string[] {
  const args: string[] = [];
  const prio = f.level ? levelPriority(f.level) : null;
  if (prio !== null) args.push(`--priority=${prio}`);
  if (f.source) args.push(isUnitName(f.source) ? `--unit=${f.source}` : `--identifier=${f.source}`);
  if (f.since && opts.time !== false && opts.since !== false) args.push(`--since=${epochArg(f.since)}`);
  if (f.until && opts.time !== false) args.push(`--until=${epochArg(f.until)}`);
  if (f.text && opts.grep) args.push(`--grep=${escapePcre(f.text)}`, '--case-sensitive=false');
  return args;
}

const COMMON = ['--output=json', `--output-fields=${JOURNAL_FIELDS.join(',')}`, '--all', '--no-pager'];

/** One page, newest first: `lines` entries older than `before` (or the newest ones). */
export function queryArgs(
  f: LogFilter & { before?: string | undefined },
  opts: { grep: boolean; lines: number },
): string[] {
  const args = [
    ...COMMON,
    '--reverse',
    `--lines=${opts.lines}`,
    ...filterArgs(f, { ...opts, since: !f.before }),
  ];
  if (f.before) args.push(`--after-cursor=${f.before}`);
  return args;
}

/** Follow: nothing old (`--lines=0`), or what came after `afterCursor` when restarting. */
export function tailArgs(f: LogFilter, opts: { grep: boolean; afterCursor?: string | undefined }): string[] {
  // the time range is checked in JS: following and --until do not mix
  const args = [...COMMON, '--follow', ...filterArgs(f, { grep: opts.grep, time: false })];
  args.push(opts.afterCursor ? `--after-cursor=${opts.afterCursor}` : '--lines=0');
  return args;
}

/** The units that have logged, for the source list. */
export const unitFieldArgs = (): string[] => ['--field=_SYSTEMD_UNIT', '--no-pager'];
