import type { LookupAddress, LookupOptions } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AdoptPhase } from '@quantix/shared';
import { PinnedAgent, peerSpki } from '@quantix/shared/server';
import type { z } from 'zod';
import type { HostTarget } from './host-target.ts';
import {
  hostRefusal,
  parseJsonResponse,
  type RawResponse,
  readLimitedBody,
  requestTimeout,
  type TransportContext,
  transportError,
  unexpectedAnswer,
} from './transport-errors.ts';

/** A host's answer is never larger than this (the discovery report is ~10 KB). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface HostCall<T> {
  /** the adoption phase this call is, named in its errors */
  phase: AdoptPhase;
  method: 'GET' | 'POST';
  /** under `/api/v1/registration` */
  path: string;
  schema: z.ZodType<T>;
  /** sent as `Authorization: Bearer …`; only ever over a pinned connection */
  bearer?: string;
  body?: unknown;
  /** what the answer is, for the error when it is not one */
  what: string;
}

export interface HostClient {
  /**
   * One request to the target. Before `pin`, TLS is not checked and the answer says which key
   * the peer presented on that very connection; after it, every connection must present the
   * pinned key before a byte is written.
   */
  call<T>(c: HostCall<T>): Promise<{ data: T; spki: string | null }>;
  pin(spki: string): void;
  /** ends the pinned agent's sockets */
  close(): void;
}

/**
 * `lookup` for node's connect: answers the addresses host-target resolved and checked, never
 * the resolver again (a second answer could be another address: DNS rebinding).
 */
export function fixedLookup(addresses: HostTarget['addresses']): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable: LookupAddress[] = addresses.filter((a) => family === 0 || a.family === family);
    const first = usable[0];
    if (!first) {
      const err: NodeJS.ErrnoException = Object.assign(new Error(`no IPv${family} address for ${hostname}`), {
        code: 'ENOTFOUND',
      });
      callback(err, '', 0);
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

/**
 * The hub's HTTPS client for one host during adoption: the pasted origin only (the addresses
 * host-target checked, no redirects), answers up to 1 MiB, each request within `timeoutMs`
 * (connecting, TLS, the answer and its body together).
 */
export function createHostClient(d: {
  target: HostTarget;
  timeoutMs: number;
  /** epoch ms by which every call must be done, whatever `timeoutMs` leaves */
  deadline?: number;
  userAgent: string;
  maxBytes?: number;
}): HostClient {
  const { target } = d;
  const maxBytes = d.maxBytes ?? MAX_ANSWER_BYTES;
  const lookup = fixedLookup(target.addresses);
  let agent: PinnedAgent | null = null;
  let pinnedSpki: string | null = null;

  const send = (
    c: HostCall<unknown>,
    ctx: TransportContext,
  ): Promise<RawResponse & { spki: string | null; retryAfter: string | undefined }> => {
    if (c.bearer !== undefined && !agent) {
      // the invariant the whole protocol rests on; a bug here must not send a token
      return Promise.reject(new Error('a token is sent only over a pinned connection'));
    }
    const payload = c.body === undefined ? undefined : JSON.stringify(c.body);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': d.userAgent };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (c.bearer !== undefined) headers.authorization = `Bearer ${c.bearer}`;
    const timeoutMs = Math.max(
      1,
      Math.min(d.timeoutMs, (d.deadline ?? Number.POSITIVE_INFINITY) - Date.now()),
    );
    return new Promise((resolve, reject) => {
      // a failure before the TLS session is up is the connect phase's, whatever the request
      let secured = false;
      let settled = false;
      const phaseNow = (): TransportContext => (secured ? ctx : { ...ctx, phase: 'connect' });
      const finish = (err: unknown, value?: RawResponse & { spki: string | null; retryAfter?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err !== null) reject(transportError(err, phaseNow()));
        else if (value) resolve({ ...value, retryAfter: value.retryAfter });
      };
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: `/api/v1/registration${c.path}`,
          method: c.method,
          headers,
          lookup,
          // bounds a handshake that never completes (see PinnedAgent)
          timeout: timeoutMs,
          ...(agent ? { agent } : { agent: false, rejectUnauthorized: false }),
        },
        (res) => {
          // the key of the connection that carried this answer (read now, while it is open)
          const spki = agent ? pinnedSpki : peerSpki(res.socket as TLSSocket);
          readLimitedBody(res, maxBytes, ctx).then(
            (body) =>
              finish(null, {
                status: res.statusCode ?? 0,
                contentType: res.headers['content-type'] ?? '',
                body,
                spki,
                retryAfter: res.headers['retry-after'],
              }),
            (err: unknown) => finish(err),
          );
        },
      );
      req.on('socket', (s) => {
        // PinnedAgent hands over a socket only once its key is verified
        if (agent) secured = true;
        else s.once('secureConnect', () => (secured = true));
      });
      req.on('error', (err) => finish(err));
      const timer = setTimeout(() => {
        const err = requestTimeout(phaseNow(), timeoutMs);
        finish(err);
        req.destroy(err);
      }, timeoutMs);
      req.end(payload);
    });
  };

  return {
    async call<T>(c: HostCall<T>) {
      const ctx: TransportContext = { hostUrl: target.origin, phase: c.phase };
      const raw = await send(c as HostCall<unknown>, ctx);
      const json = parseJsonResponse(raw, ctx);
      if (raw.status < 200 || raw.status > 299) throw hostRefusal(raw.status, json, ctx, raw.retryAfter);
      const parsed = c.schema.safeParse(json);
      if (!parsed.success) throw unexpectedAnswer(ctx, c.what);
      return { data: parsed.data, spki: raw.spki };
    },
    pin(spki) {
      agent?.destroy();
      pinnedSpki = spki;
      agent = new PinnedAgent({ spki, timeout: d.timeoutMs });
    },
    close() {
      agent?.destroy();
      agent = null;
    },
  };
}
