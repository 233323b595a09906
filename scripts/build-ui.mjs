// The web UI of a Quantix server (host/, hub/): Vite builds `<dir>/ui` into `<dir>/dist/public`
// (scripts/ui-vite-config.ts), then every text file gets its precompressed copies.
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** Builds `<dir>/ui` into `<dir>/dist/public` and precompresses it. */
export async function buildUi({ dir }) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(dir, 'ui/vite.config.ts'), logLevel: 'warn' });
  await precompress(join(dir, 'dist/public'));
}

/**
 * Brotli (best quality) and gzip copies of every text file of the web UI, beside it (`x.js.br`,
 * `x.js.gz`): the server sends whichever the browser accepts without compressing anything per
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
