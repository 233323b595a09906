import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { PingResponse } from '@quantix/shared';
import { PinnedAgent, peerSpki } from '@quantix/shared/server';
import { CookieJar, type HttpResponse, request } from '../support/https-client.ts';

/**
 * The appliance inside a test machine, reached on a forwarded port. Before its key is known only
 * `ping` is asked (with the key read off the handshake); afterwards every request goes through a
 * PinnedAgent that trusts the key the console showed, and nothing else.
 */
export function guestApi(base: string) {
  let agent: PinnedAgent | null = null;

  async function ping(timeoutMs = 10_000): Promise<{ ping: PingResponse; presented: string | null }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${base}/api/v1/registration/ping`,
        { rejectUnauthorized: false, agent: false, timeout: timeoutMs },
        (res) => {
          const presented = peerSpki(res.socket as TLSSocket);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            try {
              resolve({ ping: PingResponse.parse(JSON.parse(body)), presented });
            } catch (err) {
              reject(new Error(`ping answered ${res.statusCode}: ${body.slice(0, 300)} (${String(err)})`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('ping timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  return {
    ping,
    /** pings until the appliance answers (it starts after libvirt); the last error after `ms` */
    async waitForPing(ms: number): Promise<{ ping: PingResponse; presented: string | null }> {
      const deadline = Date.now() + ms;
      let last: unknown;
      while (Date.now() < deadline) {
        try {
          return await ping(5000);
        } catch (err) {
          last = err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      throw new Error(`the appliance did not answer ping within ${ms} ms: ${String(last)}`);
    },
    pin(spki: string) {
      agent = new PinnedAgent({ spki, keepAlive: false });
    },
    /** an API request over the pinned key */
    async call(
      path: string,
      opts: { method?: string; body?: unknown; jar?: CookieJar; timeoutMs?: number } = {},
    ): Promise<HttpResponse> {
      if (!agent) throw new Error('pin the key first');
      const headers: Record<string, string> = {};
      const cookie = opts.jar?.header();
      if (cookie) headers.cookie = cookie;
      // the appliance checks Origin on writes as a browser would send it
      if (opts.method && opts.method !== 'GET') headers.origin = base;
      const res = await request(`${base}${path}`, {
        method: opts.method,
        headers,
        body: opts.body,
        agent,
        timeoutMs: opts.timeoutMs ?? 60_000,
      });
      opts.jar?.store(res);
      return res;
    },
    close() {
      agent?.destroy();
    },
  };
}

export { CookieJar };
