import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { AppError, ControlRequest, type ControlResponse } from '@quantix/shared';
import type { AuthService } from '../auth/auth.service.ts';
import type { Logger } from '../logging/logger.ts';
import type { RegistrationService } from '../registration/registration.service.ts';

const MAX_REQUEST = 8 * 1024;

/**
 * The CLI's way in: a Unix socket in the data dir, mode 0600 (root/the service user only).
 * One JSON request per connection, one JSON response. The server stays the only writer of state.
 */
export async function startControlServer(deps: {
  path: string;
  auth: AuthService;
  registration: RegistrationService;
  log: Logger;
}): Promise<Server> {
  await unlink(deps.path).catch(() => undefined); // the data lock guarantees no live server owns it
  const server = createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.setTimeout(30_000, () => conn.destroy());
    conn.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) return conn.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      conn.removeAllListeners('data'); // one request per connection: bytes after it are ignored
      void handle(buf.slice(0, nl)).then((res) => conn.end(`${JSON.stringify(res)}\n`));
    });
    conn.on('error', () => undefined);
  });

  async function handle(line: string): Promise<ControlResponse> {
    try {
      const parsed = ControlRequest.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'bad request');
      const req = parsed.data;
      switch (req.cmd) {
        case 'setup-code': {
          const c = deps.auth.setupCode();
          return { ok: true, data: { code: c.code, expiresAt: c.expiresAt.toISOString() } };
        }
        case 'token':
          return { ok: true, data: await deps.registration.mint('console') };
        case 'passwd':
          await deps.auth.setPassword(req.username, req.password, 'console');
          return { ok: true, data: null };
      }
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toBody().error };
      if (err instanceof SyntaxError)
        return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'not JSON' } };
      deps.log.error({ err }, 'control request failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'internal error; see the host log' } };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // umask-independent: create, then restrict before anyone can be told the path
    server.listen(deps.path, () => resolve());
  });
  await chmod(deps.path, 0o600);
  return server;
}
