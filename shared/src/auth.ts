import { z } from 'zod';
import { Password, Username } from './common.ts';

export const SetupCode = z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'expected XXXX-XXXX-XXXX');

export const SetupRequest = z.strictObject({
  code: z.string().min(1).max(64),
  username: Username,
  password: Password,
});
export type SetupRequest = z.infer<typeof SetupRequest>;

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SetupStatus = z.object({ setupRequired: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SessionInfo = z.object({
  username: Username,
  role: z.literal('admin'),
  createdAt: z.string(),
  idleTimeoutSeconds: z.number().int().positive(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const PasswordChangeRequest = z.strictObject({ username: Username, password: Password });
