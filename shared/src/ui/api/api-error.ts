import type { ErrorCode } from '@quantix/shared';
import type { ErrorInfo } from '../store/shell-state.ts';

/** Codes the client makes up itself, for failures that never reached (or came back from) the host. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE' | 'TIMEOUT' | 'ABORTED';

export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  /** HTTP status; 0 when there was no response */
  readonly status: number;
  /** seconds, from `Retry-After` on 429 */
  readonly retryAfter: number | null;
  /** a hub's adoption errors: the phase that failed and the host URL it was talking to */
  readonly phase: string | null;
  readonly hostUrl: string | null;
  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    opts: {
      status?: number;
      retryAfter?: number | null;
      cause?: unknown;
      phase?: string | null;
      hostUrl?: string | null;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = opts.status ?? 0;
    this.retryAfter = opts.retryAfter ?? null;
    this.phase = opts.phase ?? null;
    this.hostUrl = opts.hostUrl ?? null;
  }
}

/** What an error body says: the code and message, and for adoption errors the phase and host URL. */
export interface ErrorFromBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly phase: string | null;
  readonly hostUrl: string | null;
}

/**
 * Reads `{ error: { code, message } }`. The UI does not bundle zod (it would be half the
 * JavaScript budget), so this is a structural check; the code is trusted to be one of ours.
 */
export function errorFromBody(body: unknown): ErrorFromBody | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = body.error;
  if (typeof error !== 'object' || error === null) return null;
  if (!('code' in error) || typeof error.code !== 'string') return null;
  if (!('message' in error) || typeof error.message !== 'string') return null;
  return {
    code: error.code as ErrorCode,
    message: error.message,
    phase: 'phase' in error && typeof error.phase === 'string' ? error.phase : null,
    hostUrl: 'hostUrl' in error && typeof error.hostUrl === 'string' ? error.hostUrl : null,
  };
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Any thrown value as plain data for the store (the phase and host URL only when there are). */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof ApiError) {
    return {
      code: err.code,
      message: err.message,
      ...(err.phase === null ? {} : { phase: err.phase }),
      ...(err.hostUrl === null ? {} : { hostUrl: err.hostUrl }),
    };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}
