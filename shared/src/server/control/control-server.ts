import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { AppError, type ControlResponse } from '@quantix/shared';
import type { z } from 'zod';
import type { Logger } from '../logging/logger.ts';

const MAX_REQUEST = 8 * 1024;

/** One handler per command of `Req` (a union discriminated by `cmd`); what it returns is the answer's data. */
export type ControlCommands<Req extends { cmd: string }> = {
  [K in Req['cmd']]: (req: Extract<Req, { cmd: K }>) => Promise<unknown>;
};

/**
 * The CLI's way in: a Unix socket in the data dir, mode 0600 (root/the service user only).
 * One JSON request per connection, parsed with `schema` and answered by its command's handler,
 * one JSON response. The server stays the only writer of state.
 */
export async function startControlServer<Req extends { cmd: string }>(deps: {
  path: string;
  schema: z.ZodType<Req>;
  commands: ControlCommands<Req>;
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
      const parsed = deps.schema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'bad request');
      const req = parsed.data;
      const command = deps.commands[req.cmd as Req['cmd']] as (r: Req) => Promise<unknown>;
      return { ok: true, data: await command(req) };
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
