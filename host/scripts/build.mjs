// Builds the host: the server bundle (dist/cli.js) with esbuild, then the web UI (dist/public) with Vite.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { build } from 'esbuild';

const hostDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(hostDir, 'package.json'), 'utf8'));
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: hostDir,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
})();
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
const trim = {
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
    const mimeDb = createRequire(join(hostDir, 'package.json')).resolve('mime-db');
    b.onResolve({ filter: /^mime-db$/ }, () => ({ path: mimeDb }));
  },
};

/**
 * Keeps the bundle ASCII. esbuild escapes non-ASCII text in strings but leaves it in regular
 * expression literals, and one such character anywhere makes V8 hold the whole bundle's source as
 * a two-byte string: 2.5 MB of heap instead of 1.3. So our own sources are escaped as they are
 * loaded (`…` → `\u2026`, which means the same in a string, a template or a regular expression).
 */
const asciiSources = {
  name: 'ascii-sources',
  setup(b) {
    b.onLoad({ filter: /[\\/](host|shared)[\\/]src[\\/].*\.ts$/ }, async (args) => {
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

await build({
  entryPoints: [join(hostDir, 'src/cli.ts')],
  outfile: join(hostDir, 'dist/cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minify: true,
  legalComments: 'linked',
  external,
  plugins: [trim, asciiSources],
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __qxCreateRequire } from 'node:module';\nconst require = __qxCreateRequire(import.meta.url);",
  },
  define: {
    __QUANTIX_BUILD__: JSON.stringify({ version: pkg.version, commit, builtAt: new Date().toISOString() }),
  },
  logLevel: 'warning',
});
chmodSync(join(hostDir, 'dist/cli.js'), 0o755);
if (/[^\0-\x7f]/.test(readFileSync(join(hostDir, 'dist/cli.js'), 'latin1'))) {
  console.warn('warning: dist/cli.js is not ASCII: V8 will hold its source at two bytes a character');
}

if (!process.argv.includes('--server-only')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(hostDir, 'ui/vite.config.ts'), logLevel: 'warn' });
  await precompress(join(hostDir, 'dist/public'));
}
console.log(`built host ${pkg.version} (${commit})`);

/**
 * Brotli (best quality) and gzip copies of every text file of the web UI, beside it (`x.js.br`,
 * `x.js.gz`): the host sends whichever the browser accepts without compressing anything per
 * request. A copy that would not be smaller is not written.
 */
async function precompress(dir) {
  const TEXT = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt', '.webmanifest']);
  const br = promisify(brotliCompress);
  const gz = promisify(gzip);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && TEXT.has(extname(e.name)))
    .map((e) => join(e.parentPath, e.name));
  let raw = 0;
  let packed = 0;
  await Promise.all(
    files.map(async (file) => {
      const data = await readFile(file);
      const copies = await Promise.all([
        br(data, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }).then((out) => ['.br', out]),
        gz(data, { level: constants.Z_BEST_COMPRESSION }).then((out) => ['.gz', out]),
      ]);
      raw += data.length;
      packed += Math.min(data.length, ...copies.map(([, out]) => out.length));
      await Promise.all(
        copies
          .filter(([, out]) => out.length < data.length)
          .map(([suffix, out]) => writeFile(file + suffix, out)),
      );
    }),
  );
  console.log(
    `web UI: ${files.length} files, ${(raw / 1024).toFixed(1)} KB, ${(packed / 1024).toFixed(1)} KB brotli`,
  );
}
