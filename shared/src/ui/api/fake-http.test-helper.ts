import { ApiError } from './api-error.ts';
import type { HttpClient } from './http-client.ts';

/**
 * An HttpClient answering from `routes` keyed `"GET /path"`; records every call and body. A
 * route missing is a NOT_FOUND, as a server would answer.
 */
export function routedHttp(routes: Record<string, (body?: unknown) => unknown>) {
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const call = async (key: string, body?: unknown) => {
    calls.push(key);
    if (body !== undefined) bodies.push(body);
    const r = routes[key];
    if (!r) throw new ApiError('NOT_FOUND', key);
    return r(body);
  };
  const http = {
    get: (p: string) => call(`GET ${p}`),
    post: (p: string, body?: unknown) => call(`POST ${p}`, body),
    put: (p: string, body?: unknown) => call(`PUT ${p}`, body),
    del: (p: string) => call(`DELETE ${p}`),
    patch: (p: string, body?: unknown) => call(`PATCH ${p}`, body),
  } as unknown as HttpClient;
  return { http, calls, bodies };
}
