import { createConnection } from 'node:net';
import { AppError, ControlResponse } from '@quantix/shared';

/** Sends one request to the running server's control socket; `server` names it (`quantix-host`) in errors. */
export function controlRequest<Req extends { cmd: string }>(
  path: string,
  req: Req,
  server: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(path);
    let buf = '';
    conn.setEncoding('utf8');
    conn.setTimeout(30_000, () => conn.destroy(new Error('timed out waiting for the server')));
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (c: string) => {
      buf += c;
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new Error(`no ${server} server is running with this data directory (${path})`));
      } else reject(err);
    });
    conn.on('end', () => {
      try {
        const res = ControlResponse.parse(JSON.parse(buf));
        if (res.ok) resolve(res.data);
        else reject(new AppError(res.error.code, res.error.message));
      } catch (err) {
        reject(err);
      }
    });
  });
}
