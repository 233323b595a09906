// The server bundle of a Quantix server (host/, hub/): one esbuild file, dist/cli.js, with the
// build stamped in. Each server's scripts/build.mjs calls buildServer; the host then builds its UI.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

// Everything is bundled into one file: start-up then reads one file instead of resolving hundreds of
// modules in node_modules (~100 ms here). Only optional native add-ons stay out, the two heavy
// libraries that are loaded lazily (inventory, issuing a certificate), and iconv-lite: half a
// megabyte of character tables that body-parser loads on the first request, not at start.
const external = [
  'bufferutil',
  'utf-8-validate',
  'x11',
  'usocket',
  'systeminformation',
  'selfsigned',
  'iconv-lite',
];

/**
 * Two things that cost the bundle a third of its size (and the host the heap to hold and parse it)
 * for nothing: zod's error messages in ~45 languages, of which only English is ever configured,
 * and three copies of mime-db's database (socket.io and engine.io each pin an older mime-types
 * with its own copy). English stays; every mime-types gets the one newest database.
 */
const trim = (dir) => ({
  name: 'trim',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, 'en-only.js'), namespace: 'zod-en' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: "export { default as en } from './locales/en.js';",
      resolveDir: join(dirname(args.path), '..'),
    }));
    const mimeDb = createRequire(join(dir, 'package.json')).resolve('mime-db');
    b.onResolve({ filter: /^mime-db$/ }, () => ({ path: mimeDb }));
  },
});

/**
 * Keeps the bundle ASCII. esbuild escapes non-ASCII text in strings but leaves it in regular
 * expression literals, and one such character anywhere makes V8 hold the whole bundle's source as
 * a two-byte string: 2.5 MB of heap instead of 1.3. So our own sources are escaped as they are
 * loaded (`…` → `\u2026`, which means the same in a string, a template or a regular expression).
 */
const asciiSources = {
  name: 'ascii-sources',
  setup(b) {
    b.onLoad({ filter: /[\\/](host|hub|shared)[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!/[^\0-\x7f]/.test(text)) return undefined;
      const escaped = text.replace(
        /[^\0-\x7f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      return { contents: escaped, loader: 'ts' };
    });
  },
};

/** Bundles `<dir>/<entry>` into `<dir>/dist/cli.js`; resolves with the package and commit. */
export async function buildServer({ dir, entry }) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
        cwd: dir,
        encoding: 'utf8',
      }).trim();
    } catch {
      return 'unknown';
    }
  })();
  await build({
    entryPoints: [join(dir, entry)],
    outfile: join(dir, 'dist/cli.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    minify: true,
    legalComments: 'linked',
    external,
    plugins: [trim(dir), asciiSources],
    // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __qxCreateRequire } from 'node:module';\nconst require = __qxCreateRequire(import.meta.url);",
    },
    define: {
      __QUANTIX_BUILD__: JSON.stringify({ version: pkg.version, commit, builtAt: new Date().toISOString() }),
    },
    logLevel: 'warning',
  });
  chmodSync(join(dir, 'dist/cli.js'), 0o755);
  if (/[^\0-\x7f]/.test(readFileSync(join(dir, 'dist/cli.js'), 'latin1'))) {
    console.warn('warning: dist/cli.js is not ASCII: V8 will hold its source at two bytes a character');
  }
  return { pkg, commit };
}
