import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import Negotiator from 'negotiator';

/** The precompressed copies build.mjs writes beside each file, in our order of preference. */
const ENCODINGS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
type Coding = (typeof ENCODINGS)[number]['coding'];
// Negotiator alone breaks ties by the client's order, and Chromium lists gzip before br.
const PREFERRED = ['br', 'gzip', 'identity'];
// vite's output is flat with hashed names; anything else (dot files, sub-paths) is left to express.static
const FILE_NAME = /^\/[\w-][\w.-]*$/;

interface CacheRule {
  maxAge: number | string;
  immutable: boolean;
}
const FOREVER: CacheRule = { maxAge: '365d', immutable: true };
const NEVER: CacheRule = { maxAge: 0, immutable: false };

/**
 * The web UI: hashed assets cached forever, and index.html (never cached) for every other
 * GET that is not an API or socket path — the SPA's routes. `/api/*` never reaches here.
 * Files go out brotli- or gzip-compressed when the browser accepts it, from copies made at build
 * time: nothing is compressed per request.
 */
export function uiRoutes(publicDir: string): Router {
  const r = express.Router();
  const index = join(publicDir, 'index.html');
  const assetsDir = join(publicDir, 'assets');
  const send = createPrecompressedSender();
  const inDir =
    (dir: string, rule: CacheRule) =>
    (req: Request, res: Response, next: NextFunction): void => {
      if ((req.method === 'GET' || req.method === 'HEAD') && FILE_NAME.test(req.path)) {
        send(req, res, join(dir, req.path), rule, next);
      } else next();
    };
  r.use(
    '/assets',
    inDir(assetsDir, FOREVER),
    express.static(assetsDir, { ...FOREVER, index: false, fallthrough: false }),
  );
  r.use(inDir(publicDir, NEVER), express.static(publicDir, { index: false, maxAge: 0 }));
  r.get('/{*path}', (req, res, next) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web UI is not built. Run `make build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    send(req, res, index, NEVER, () =>
      res.sendFile(index, (err?: Error) => {
        if (err && !res.headersSent) next(err);
      }),
    );
  });
  return r;
}

/**
 * Sends the best precompressed copy of `file` the client accepts, or calls `plain` to send the
 * file itself. Which copies exist is looked up once per file: the build output does not change
 * under a running host (a copy that vanished anyway is forgotten, and the plain file sent).
 */
function createPrecompressedSender() {
  const known = new Map<string, Coding[]>();
  const codingsOf = (file: string): Coding[] => {
    let codings = known.get(file);
    if (!codings) {
      codings = ENCODINGS.filter((e) => existsSync(file + e.suffix)).map((e) => e.coding);
      // only files that exist are remembered, so the map never outgrows the build output
      if (codings.length > 0 || existsSync(file)) known.set(file, codings);
    }
    return codings;
  };

  return (req: Request, res: Response, file: string, rule: CacheRule, plain: () => void): void => {
    const codings = codingsOf(file);
    if (codings.length > 0) res.vary('Accept-Encoding');
    const coding = new Negotiator(req).encoding([...codings, 'identity'], { preferred: PREFERRED });
    const enc = ENCODINGS.find((e) => e.coding === coding);
    if (!enc) {
      plain();
      return;
    }
    // the type of the file, not of its compressed copy
    res.type(extname(file));
    res.setHeader('Content-Encoding', enc.coding);
    // a byte range of the compressed body is of no use to a browser loading a page
    res.sendFile(file + enc.suffix, { ...rule, acceptRanges: false }, (err?: Error) => {
      if (!err || res.headersSent) return;
      known.delete(file);
      res.removeHeader('Content-Encoding');
      res.removeHeader('Content-Type');
      plain();
    });
  };
}
