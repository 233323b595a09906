import type { Request } from 'express';
import { PassThrough, type Readable } from 'node:stream';
import { AppError } from '@quantix/shared';

/** The request's Content-Length, undefined without one; a malformed one is VALIDATION_FAILED. */
export function declaredLength(req: Request): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('VALIDATION_FAILED', 'bad Content-Length');
  return n;
}

/**
 * An upload's body through a PassThrough: when the upload fails mid-way (a limit exceeded, the
 * peer it goes to refusing), the PassThrough is destroyed, not the request — destroying an
 * unfinished request resets the socket and the client would never see the error. A client that
 * goes away still fails the upload.
 */
export function detachBody(req: Request): Readable {
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  req.on('error', (err) => body.destroy(err));
  req.on('close', () => {
    if (!req.complete) body.destroy(Object.assign(new Error('client aborted'), { code: 'ECONNRESET' }));
  });
  req.pipe(body);
  return body;
}
