import { type Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** parsed JSON body, or undefined when the body is not JSON */
  json: unknown;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** an object is sent as JSON with the right content type; a string or a Buffer is sent as-is */
  body?: unknown;
  /** the host's certificate (PEM): the connection is verified against it, for real */
  ca?: string;
  /** or an agent that does the verifying (a PinnedAgent trusting one key) */
  agent?: Agent;
  timeoutMs?: number;
}

/** A small HTTPS client that verifies the host's self-signed certificate instead of ignoring TLS. */
export function request(url: string, opts: RequestOptions): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: string | Buffer | undefined;
  if (opts.body !== undefined) {
    const raw = typeof opts.body === 'string' || Buffer.isBuffer(opts.body);
    payload = raw ? (opts.body as string | Buffer) : JSON.stringify(opts.body);
    if (!raw && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: opts.method ?? 'GET', headers, ca: opts.ca, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if ((res.headers['content-type'] ?? '').includes('application/json')) json = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Keeps the session cookie the way a browser would, for one origin. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(res: HttpResponse): void {
    const set = res.headers['set-cookie'] ?? [];
    for (const line of set) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
}
