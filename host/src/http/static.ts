import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/**
 * The web UI: hashed assets cached forever, and index.html (never cached) for every other
 * GET that is not an API or socket path — the SPA's routes. `/api/*` never reaches here.
 */
export function uiRoutes(publicDir: string): Router {
  const r = express.Router();
  const index = join(publicDir, 'index.html');
  r.use(
    '/assets',
    express.static(join(publicDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  r.use(express.static(publicDir, { index: false, maxAge: 0 }));
  r.get('/{*path}', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web UI is not built. Run `make build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(index);
  });
  return r;
}
