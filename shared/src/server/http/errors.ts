import { AppError, type ErrorCode } from '@quantix/shared';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../logging/logger.ts';

export function sendError(res: Response, code: ErrorCode, message: string): void {
  const err = new AppError(code, message);
  res.status(err.status).json(err.toBody());
}

/** Parses with a shared schema; a mismatch is a 400 VALIDATION_FAILED naming the first bad field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new AppError('VALIDATION_FAILED', `${where}${issue?.message ?? 'invalid input'}`);
}

/**
 * The requested path (without query) as it may be echoed in a message or a log line: cut short (80 characters by
 * default), printable ASCII only — a 15 KB path must not come back in the 404, nor fill the log.
 */
export function shortPath(req: Request, max = 80): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const safe = path.slice(0, max).replace(/[^\x21-\x7e]/g, '?');
  return path.length > max ? `${safe}...` : safe;
}

export const apiNotFound: RequestHandler = (req, res) => {
  sendError(res, 'NOT_FOUND', `no API route ${req.method} ${shortPath(req)}`);
};

/** `Retry-After` for a RATE_LIMITED error that says when (`details.retryAfterSeconds`). */
function setRetryAfter(res: Response, err: AppError): void {
  const seconds = err.details?.retryAfterSeconds;
  if (err.code === 'RATE_LIMITED')
    res.setHeader('Retry-After', String(typeof seconds === 'number' ? seconds : 1));
}

/** The single place where thrown errors become `{ error: { code, message } }`. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
      setRetryAfter(res, err);
      res.status(err.status).json(err.toBody());
      return;
    }
    // body-parser errors carry a `type`
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') return sendError(res, 'PAYLOAD_TOO_LARGE', 'request body too large');
    if (type === 'entity.parse.failed')
      return sendError(res, 'VALIDATION_FAILED', 'request body is not valid JSON');
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
      return sendError(res, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
    }
    const status = (err as { status?: number }).status;
    if (status === 404) return sendError(res, 'NOT_FOUND', `not found: ${shortPath(req)}`);
    // e.g. a malformed %-escape in the URL: the client's mistake, not ours
    if (status !== undefined && status >= 400 && status < 500)
      return sendError(res, 'VALIDATION_FAILED', 'malformed request');
    log.error({ err, method: req.method, path: shortPath(req, 256) }, 'unhandled error');
    sendError(res, 'INTERNAL', 'internal error; see the host log');
  };
}
