import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { clientAddress } from './auth-middleware.ts';
import { sendError } from './errors.ts';

function limiter(opts: {
  windowMs: number;
  limit: number;
  key: (req: Request) => string;
  /** count only the requests this says failed */
  failed?: (res: Response) => boolean;
}): RequestHandler {
  const failed = opts.failed;
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(failed
      ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req: Request, res: Response) => !failed(res) }
      : {}),
    keyGenerator: opts.key,
    handler: (_req, res, _next, o) => {
      // express-rate-limit has already set Retry-After
      sendError(res, 'RATE_LIMITED', `too many attempts; retry in ${Math.ceil(o.windowMs / 1000)} s at most`);
    },
  });
}

// IPv6 clients are bucketed by /56, so one client cannot rotate through its own addresses.
const address = (req: Request) => ipKeyGenerator(clientAddress(req));

/** At most `limit` requests per `windowMs` per client address (the host's token checks). */
export function limitPerAddress(opts: { windowMs: number; limit: number }): RequestHandler {
  return limiter({ ...opts, key: address });
}

export interface RateLimits {
  loginFailures: RequestHandler;
  loginPerAddress: RequestHandler;
  setup: RequestHandler;
}

/**
 * Login: 5 failures per 15 min per (address, username) — the ESXi lockout — and 100 attempts per
 * 15 min per address. Setup: 10 per 15 min per address.
 */
export function createRateLimits(): RateLimits {
  const username = (req: Request) => {
    const u = (req.body as { username?: unknown } | undefined)?.username;
    return typeof u === 'string' ? u.slice(0, 64).toLowerCase() : '';
  };
  return {
    loginFailures: limiter({
      windowMs: 15 * 60_000,
      limit: 5,
      key: (req) => `${address(req)}|${username(req)}`,
      // Only a password that was checked and found wrong is a failure. A login refused because
      // the host was too busy to check it (429) says nothing about the password, and counting it
      // let a flood of bogus logins lock the real admin out.
      failed: (res) => res.statusCode === 401,
    }),
    loginPerAddress: limitPerAddress({ windowMs: 15 * 60_000, limit: 100 }),
    setup: limitPerAddress({ windowMs: 15 * 60_000, limit: 10 }),
  };
}
