import type { Ack } from '@quantix/shared';

export function invalidAck(message: string | undefined): Ack<never> {
  return { ok: false, error: { code: 'VALIDATION_FAILED', message: message ?? 'invalid payload' } };
}
