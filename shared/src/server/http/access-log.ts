import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.ts';
import { shortPath } from './errors.ts';

/**
 * One line per API request: method, path, status, duration, client. Never headers or bodies, so
 * tokens, credentials and passwords cannot reach the log.
 */
export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const entry = {
        method: req.method,
        path: shortPath(req, 256),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        client: req.socket.remoteAddress,
      };
      if (res.statusCode >= 500) log.error(entry, 'request failed');
      else log.info(entry, 'request');
    });
    next();
  };
}
