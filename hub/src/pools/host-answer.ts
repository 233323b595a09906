import { AppError } from '@quantix/shared';
import type { z } from 'zod';

/**
 * A host's answer to a link command, parsed with its schema: an answer of another shape (an older
 * or broken host) is INVALID_RESPONSE naming the command and the first bad field, never trusted.
 */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, command: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new AppError(
    'INVALID_RESPONSE',
    `the host answered ${command} with something unexpected (${where}${issue?.message ?? 'invalid'})`,
  );
}
