import type { RequestHandler } from 'express';
import { apiNotFound } from './errors.ts';

/** What express routes to the API: `/api` and below, in any case (routing is case-insensitive). */
const ROUTED_TO_API = /^\/api(\/|$)/i;

/**
 * Whether a path lies under /api once normalised the way a browser, proxy or file system might:
 * %-escapes decoded (a few rounds, for %252f), `\` as `/`, repeated slashes, `.` and `..`.
 */
export function normalisesUnderApi(path: string): boolean {
  let p = path;
  for (let round = 0; round < 3 && /%[0-9a-f]{2}/i.test(p); round++) {
    p = p.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  const segments: string[] = [];
  for (const seg of p.replaceAll('\\', '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return segments[0]?.toLowerCase() === 'api';
}

/**
 * `//api/v1/x`, `/api%2fv1/x` or `/./api/v1/x` miss the API's mount and would fall through to the
 * SPA's index.html. Anything that means /api is answered as the API would: a JSON 404 (never
 * rewritten to the route it might mean — the path checks behind it see exactly what was sent).
 */
export const apiPathShapes: RequestHandler = (req, res, next) => {
  if (!ROUTED_TO_API.test(req.path) && normalisesUnderApi(req.path)) return apiNotFound(req, res, next);
  next();
};
