import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import {
  apiNotFound,
  createApiRouter,
  createLogger,
  createSessionStore,
  errorHandler,
  requireAuth,
  SESSION_COOKIE,
} from '@quantix/shared/server';
import express, { type Router } from 'express';
import { isRawPoolUpload } from './pools.routes.ts';

// Test support (not a test file): routers mounted as the hub's app.ts mounts them — the kit's API
// front (write guard, JSON bodies, sessions, rawBody for uploads) and its error handler — served
// over plain HTTP on 127.0.0.1, with one logged-in session.

export interface Harness {
  call(
    method: string,
    path: string,
    opts?: { json?: unknown; body?: Buffer; type?: string; auth?: boolean },
  ): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startHarness(dir: string, mounts: Array<[string, Router]>): Promise<Harness> {
  const log = createLogger({ file: join(dir, 'test.log'), level: 'silent', service: 'test' });
  const sessions = createSessionStore({ idleTimeoutMs: 60_000 });
  const session = sessions.create('alice');
  const api = createApiRouter({ log, sessions, rawBody: isRawPoolUpload });
  for (const [path, router] of mounts) api.use(path, requireAuth, router);
  const app = express();
  app.use('/api/v1', api, apiNotFound);
  app.use(errorHandler(log));
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    call(method, path, opts = {}) {
      const payload = opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json)) : opts.body;
      const headers: Record<string, string> = {};
      if (opts.auth !== false) headers.cookie = `${SESSION_COOKIE}=${session.id}`;
      if (payload) {
        headers['content-type'] =
          opts.type ?? (opts.json !== undefined ? 'application/json' : 'application/octet-stream');
        headers['content-length'] = String(payload.length);
      }
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method, path: `/api/v1${path}`, headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : null });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    async close() {
      sessions.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export const errorCode = (json: unknown): string | undefined =>
  (json as { error?: { code?: string } } | null)?.error?.code;
