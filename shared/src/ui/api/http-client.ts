import { ApiError, errorFromBody, parseRetryAfter } from './api-error.ts';

export interface RequestOptions {
  /** don't report this failure to `onError` (the caller handles 401 itself, e.g. the boot check) */
  readonly quiet?: boolean;
  /** extra request headers, e.g. `X-Quantix-Task` */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpClient {
  get<T>(path: string, opts?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  del<T = undefined>(path: string, opts?: RequestOptions): Promise<T>;
  /** a partial update (the VM Hardware tab's edits) */
  patch<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
}

export interface HttpClientDeps {
  readonly fetch: typeof fetch;
  /** prefix for every path, e.g. `/api/v1` */
  readonly base: string;
  /** sees every failure that isn't `quiet`, to react to UNAUTHENTICATED / SETUP_REQUIRED */
  readonly onError?: (err: ApiError) => void;
  readonly now?: () => number;
  /** who answers, for messages: "host" (the default) or "hub" */
  readonly peer?: string;
}

export function createHttpClient(deps: HttpClientDeps): HttpClient {
  const now = deps.now ?? Date.now;
  const peer = deps.peer ?? 'host';

  async function request<T>(method: string, path: string, body: unknown, opts: RequestOptions): Promise<T> {
    try {
      return await send<T>(method, path, body, opts.headers);
    } catch (err) {
      const apiErr =
        err instanceof ApiError
          ? err
          : new ApiError('NETWORK_ERROR', `Cannot reach the ${peer}.`, { cause: err });
      if (!opts.quiet) deps.onError?.(apiErr);
      throw apiErr;
    }
  }

  async function send<T>(
    method: string,
    path: string,
    body: unknown,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { ...extra, Accept: 'application/json' };
    // every write is JSON (the server refuses other writes, a CSRF defence)
    if (method !== 'GET') headers['Content-Type'] = 'application/json';
    const res = await deps.fetch(deps.base + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError('BAD_RESPONSE', `The ${peer} sent an unreadable response (HTTP ${res.status}).`, {
          status: res.status,
        });
      }
    }
    if (res.ok) return parsed as T;
    const error = errorFromBody(parsed);
    throw new ApiError(
      error?.code ?? 'BAD_RESPONSE',
      error?.message ?? `Request failed (HTTP ${res.status}).`,
      {
        status: res.status,
        retryAfter: parseRetryAfter(res.headers.get('Retry-After'), now()),
        phase: error?.phase ?? null,
        hostUrl: error?.hostUrl ?? null,
      },
    );
  }

  return {
    get: (path, opts = {}) => request('GET', path, undefined, opts),
    post: (path, body, opts = {}) => request('POST', path, body, opts),
    put: (path, body, opts = {}) => request('PUT', path, body, opts),
    del: (path, opts = {}) => request('DELETE', path, undefined, opts),
    patch: (path, body, opts = {}) => request('PATCH', path, body, opts),
  };
}
