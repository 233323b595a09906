import { z } from 'zod';
import { Password, Username } from './common.ts';
import { ErrorCode } from './errors.ts';

/** CLI → server requests over `<data>/control.sock`. */
export const ControlRequest = z.discriminatedUnion('cmd', [
  z.strictObject({ cmd: z.literal('setup-code') }),
  z.strictObject({ cmd: z.literal('token') }),
  z.strictObject({ cmd: z.literal('passwd'), username: Username, password: Password }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export const ControlResponse = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type ControlResponse = z.infer<typeof ControlResponse>;

export const SetupCodeInfo = z.object({ code: z.string(), expiresAt: z.string() });
export type SetupCodeInfo = z.infer<typeof SetupCodeInfo>;
