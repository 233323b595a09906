import type { IncomingMessage } from 'node:http';
import { type AdoptPhase, AppError, ErrorBody, type ErrorCode } from '@quantix/shared';

/** What every adoption error carries besides code and message. */
export interface TransportContext {
  hostUrl: string;
  phase: AdoptPhase;
}

function fail(code: ErrorCode, message: string, ctx: TransportContext, cause?: unknown): AppError {
  return new AppError(code, message, { cause, details: { phase: ctx.phase, hostUrl: ctx.hostUrl } });
}

/** The error to destroy a request with when its timeout fires. */
export function requestTimeout(ctx: TransportContext, ms: number): AppError {
  return fail('CONNECTION_TIMEOUT', `${ctx.hostUrl} did not answer within ${ms / 1000} s`, ctx);
}

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/** Maps the error of an https request (socket, DNS, TLS, timeout) to an AppError with our codes. */
export function transportError(err: unknown, ctx: TransportContext): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const name = typeof e?.name === 'string' ? e.name : '';
  const detail = typeof e?.message === 'string' ? e.message : String(err);
  const at = ctx.hostUrl;
  switch (code) {
    case 'ECONNREFUSED':
      return fail(
        'HOST_CONNECTION_FAILED',
        `${at} refused the connection: is the host running on that port?`,
        ctx,
        err,
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return fail('HOST_CONNECTION_FAILED', `${at} closed the connection unexpectedly`, ctx, err);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail('CONNECTION_TIMEOUT', `${at} did not answer in time`, ctx, err);
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return fail('NETWORK_UNREACHABLE', `No route to ${at} (${code})`, ctx, err);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail('NETWORK_UNREACHABLE', `The name in ${at} does not resolve`, ctx, err);
    case 'EPROTO':
      return fail('TLS_ERROR', tlsMessage(at, detail), ctx, err);
    case 'ERR_QUANTIX_PIN_MISMATCH': {
      // PinnedAgent refused the key on the handshake: no byte of the request was written
      const { expected, actual } = err as { expected?: unknown; actual?: unknown };
      return fail(
        'HOST_IDENTITY_MISMATCH',
        `${at} presented the certificate key ${String(actual ?? 'none')}, not the pinned ${String(expected)}: ` +
          'another server, or a TLS proxy, answers there; nothing was sent to it',
        { ...ctx, phase: 'identity' },
        err,
      );
    }
  }
  if (TLS_CODE.test(code)) return fail('TLS_ERROR', tlsMessage(at, detail), ctx, err);
  if (
    name === 'TimeoutError' ||
    (name === 'AbortError' && (e?.cause as { name?: unknown })?.name === 'TimeoutError')
  ) {
    return fail('CONNECTION_TIMEOUT', `${at} did not answer in time`, ctx, err);
  }
  return fail('HOST_CONNECTION_FAILED', `Talking to ${at} failed: ${detail}`, ctx, err);
}

function tlsMessage(at: string, detail: string): string {
  // OpenSSL's "wrong version number" / "packet length too long" mean the peer spoke plain HTTP.
  if (/wrong version number|packet length too long|http request/i.test(detail)) {
    return `${at} does not speak TLS on that port (plain HTTP?); use the host's https:// URL`;
  }
  return `TLS handshake with ${at} failed: ${detail}`;
}

/** Reads a response body, destroying the response once it passes `maxBytes`. */
export function readLimitedBody(
  res: IncomingMessage,
  maxBytes: number,
  ctx: TransportContext,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      reject(tooLarge(ctx, maxBytes));
      return;
    }
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(tooLarge(ctx, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (err) => reject(transportError(err, ctx)));
  });
}

function tooLarge(ctx: TransportContext, maxBytes: number): AppError {
  return fail('INVALID_RESPONSE', `${ctx.hostUrl} answered more than ${maxBytes} bytes`, ctx);
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * Turns a host's answer into parsed JSON. Redirects are never followed. On the ping, HTML or a
 * non-JSON answer means software that predates the API, and a non-200 status means no API at all;
 * elsewhere a non-JSON answer is an invalid response, and the caller reads the status of a JSON one
 * (the host's own `{ error }`).
 */
export function parseJsonResponse(res: RawResponse, ctx: TransportContext): unknown {
  const at = ctx.hostUrl;
  if (res.status >= 300 && res.status < 400) {
    throw fail('REDIRECT_NOT_ALLOWED', `${at} answered with a redirect (${res.status})`, ctx);
  }
  const ping = ctx.phase === 'ping';
  const isJson = /^application\/([\w.+-]+\+)?json\b/i.test(res.contentType);
  if (ping && /html/i.test(res.contentType)) {
    throw fail(
      'HOST_FIRMWARE_OUTDATED',
      `${at} answered a web page, not the Quantix host API: update the host`,
      ctx,
    );
  }
  if (ping && res.status !== 200) {
    throw fail('HOST_API_NOT_AVAILABLE', `${at} answered ${res.status} to the ping`, ctx);
  }
  if (!isJson) {
    const code = ping ? 'HOST_FIRMWARE_OUTDATED' : 'INVALID_RESPONSE';
    throw fail(code, `${at} answered ${res.contentType || 'no content type'}, not JSON`, ctx);
  }
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch (cause) {
    throw fail('INVALID_RESPONSE', `${at} answered malformed JSON`, ctx, cause);
  }
}

/** Error codes of a host's own refusal that the hub passes on as they are (code and message). */
const PASSED_ON = new Set<ErrorCode>([
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'RATE_LIMITED',
  'STORAGE_FULL',
]);

/**
 * A JSON answer with a non-2xx status: the host's own error. Token errors (and the host's rate
 * limit or full disk) are passed on with the host's code and message; anything else is the host
 * failing at something the hub cannot fix, told as INVALID_RESPONSE naming what the host said.
 */
export function hostRefusal(
  status: number,
  json: unknown,
  ctx: TransportContext,
  retryAfter?: string | undefined,
): AppError {
  const body = ErrorBody.safeParse(json);
  if (!body.success) {
    return fail('INVALID_RESPONSE', `${ctx.hostUrl} answered ${status} without an error body`, ctx);
  }
  const { code, message } = body.data.error;
  const said = message.slice(0, 300);
  if (PASSED_ON.has(code)) {
    const seconds = Number(retryAfter);
    return new AppError(code, said, {
      details: {
        phase: ctx.phase,
        hostUrl: ctx.hostUrl,
        ...(code === 'RATE_LIMITED' && Number.isFinite(seconds) ? { retryAfterSeconds: seconds } : {}),
      },
    });
  }
  return fail('INVALID_RESPONSE', `${ctx.hostUrl} refused (${status} ${code}): ${said}`, ctx);
}

/**
 * A 2xx JSON answer that is not the expected shape. At the ping that is some other service (or a
 * Quantix host too old to have the registration API); later it is a broken answer.
 */
export function unexpectedAnswer(ctx: TransportContext, what: string): AppError {
  if (ctx.phase === 'ping') {
    return fail(
      'HOST_FIRMWARE_OUTDATED',
      `${ctx.hostUrl} answered the ping, but not as a Quantix host with the registration API: update the host`,
      ctx,
    );
  }
  return fail('INVALID_RESPONSE', `${ctx.hostUrl} answered something that is not a valid ${what}`, ctx);
}

/** The hub gave up on the host's identity: nothing secret was sent (see checkChallenge). */
export function identityMismatch(message: string, ctx: Pick<TransportContext, 'hostUrl'>): AppError {
  return fail('HOST_IDENTITY_MISMATCH', message, { hostUrl: ctx.hostUrl, phase: 'identity' });
}
