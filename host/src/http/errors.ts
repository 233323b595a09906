import { AppError, type ErrorCode } from '@quantix/shared';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
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

export const apiNotFound: RequestHandler = (req, res) => {
  sendError(res, 'NOT_FOUND', `no API route ${req.method} ${req.path}`);
};

/** The single place where thrown errors become `{ error: { code, message } }`. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof AppError) {
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
    if (status === 404) return sendError(res, 'NOT_FOUND', `not found: ${req.path}`);
    // e.g. a malformed %-escape in the URL: the client's mistake, not ours
    if (status !== undefined && status >= 400 && status < 500)
      return sendError(res, 'VALIDATION_FAILED', 'malformed request');
    log.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 'INTERNAL', 'internal error; see the host log');
  };
}
