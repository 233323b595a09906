import { AppError } from '@quantix/shared';
import { z } from 'zod';

/**
 * Where a files-backend page stopped: for each file, the byte offset of the oldest line consumed
 * (0: nothing older is left), and the time of the last entry consumed. A file the cursor does
 * not name (new since, or replaced by a smaller one) is read from its end, skipping entries newer
 * than `t`. An entry's own cursor names only its file: exact for one source, and for a merged
 * view the other files are skipped by time (entries with the very same millisecond may repeat).
 * Wire form: `f1.` + base64url(JSON) — opaque to clients.
 */
export interface FileCursor {
  p: Record<string, number>;
  t: number | null;
}

const PREFIX = 'f1.';
const Wire = z.object({
  p: z.record(z.string(), z.number().int().nonnegative()),
  t: z.number().nullable(),
});

export function encodeFileCursor(c: FileCursor): string {
  return PREFIX + Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeFileCursor(s: string): FileCursor {
  const bad = () => new AppError('VALIDATION_FAILED', 'before: not a cursor of this log');
  if (!s.startsWith(PREFIX)) throw bad();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(s.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const r = Wire.safeParse(raw);
  if (!r.success) throw bad();
  return r.data;
}
