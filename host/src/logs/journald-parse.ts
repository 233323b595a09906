import type { LogEntry, LogLevel } from '@quantix/shared';
import { MAX_MESSAGE_CHARS } from './file-parse.ts';

/**
 * Pure mapping of `journalctl -o json` lines to LogEntry. In that format every value is a string,
 * except: a value journalctl cannot print as text (control characters, invalid UTF-8) is an array
 * of byte values; a field present several times is an array of such values; a value over the
 * size threshold (without `--all`) is null.
 */

/** syslog priorities 0-7: emerg, alert and crit are all `critical`. */
export function priorityLevel(p: number): LogLevel {
  if (p <= 2) return 'critical';
  if (p === 3) return 'error';
  if (p === 4) return 'warning';
  if (p === 5) return 'notice';
  if (p === 6) return 'info';
  return 'debug';
}

/** The most severe priority a minimum level lets through (`--priority=0..N`); null: everything. */
export function levelPriority(level: LogLevel): number | null {
  switch (level) {
    case 'critical':
      return 2;
    case 'error':
      return 3;
    case 'warning':
      return 4;
    case 'notice':
      return 5;
    case 'info':
      return 6;
    case 'debug':
      return null;
  }
}

const isBytes = (v: unknown[]): v is number[] => v.every((b) => typeof b === 'number');

/** A field's text: a string, a byte array (decoded as UTF-8), or the first of several values. */
export function fieldText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (isBytes(v)) return Buffer.from(v).toString('utf8');
    return v.length > 0 ? fieldText(v[0]) : undefined;
  }
  return undefined;
}

export function parseJournalLine(line: string): LogEntry | null {
  if (line.trim() === '') return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const rec = o as Record<string, unknown>;
  const cursor = rec.__CURSOR;
  const realtime = fieldText(rec.__REALTIME_TIMESTAMP);
  if (typeof cursor !== 'string' || !realtime || !/^\d{1,19}$/.test(realtime)) return null;
  // µs since the epoch: exact in a double until the year 2255
  const tsMs = Math.floor(Number(realtime) / 1000);
  const prio = Number(fieldText(rec.PRIORITY));
  const message = rec.MESSAGE === null ? '[message too large to show]' : (fieldText(rec.MESSAGE) ?? '');
  const entry: LogEntry = {
    cursor,
    timestamp: new Date(tsMs).toISOString(),
    level: Number.isInteger(prio) && prio >= 0 && prio <= 7 ? priorityLevel(prio) : 'info',
    source:
      fieldText(rec._SYSTEMD_UNIT) ?? fieldText(rec.SYSLOG_IDENTIFIER) ?? fieldText(rec._COMM) ?? 'journal',
    message: message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message,
  };
  const pid = Number(fieldText(rec._PID));
  if (Number.isInteger(pid) && pid > 0) entry.pid = pid;
  const host = fieldText(rec._HOSTNAME);
  if (host) entry.hostname = host;
  return entry;
}
