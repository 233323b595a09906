import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { API_PREFIX, PingResponse } from '@quantix/shared';
import { peerSpki } from '@quantix/shared/server';

/** Who answers at a host's address: the key on its TLS connection and the host id it gives. */
export interface ProbeAnswer {
  spki: string;
  /** null when what answers is no Quantix host */
  hostId: string | null;
}

export type HostProbe = (url: string) => Promise<ProbeAnswer | null>;

const MAX_BODY = 64 * 1024;

/**
 * Asks a silent host's address who is there: `GET /api/v1/registration/ping`, without the pin
 * (the point is to see whatever key answers) and without any credential (nothing is sent that
 * another machine could use). Null when no TLS server answers within `timeoutMs`.
 */
export function createHostProbe(opts: { timeoutMs?: number } = {}): HostProbe {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return (url) =>
    new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(`${API_PREFIX}/registration/ping`, url);
      } catch {
        return resolve(null);
      }
      const req = request(target, { method: 'GET', agent: false, rejectUnauthorized: false }, (res) => {
        const spki = peerSpki(res.socket as TLSSocket);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > MAX_BODY) req.destroy();
        });
        res.on('end', () => {
          if (!spki) return resolve(null);
          let hostId: string | null = null;
          try {
            const ping = PingResponse.safeParse(JSON.parse(body));
            if (ping.success) hostId = ping.data.hostId;
          } catch {
            hostId = null;
          }
          resolve({ spki, hostId });
        });
        res.on('error', () => resolve(null));
      });
      req.setTimeout(timeoutMs, () => req.destroy());
      req.on('error', () => resolve(null));
      req.end();
    });
}
