// Builds the host: the server bundle (dist/cli.js) with esbuild, then the web UI (dist/public) with Vite.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

if (!process.argv.includes('--server-only')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(hostDir, 'ui/vite.config.ts'), logLevel: 'warn' });
}
console.log(`built host ${pkg.version} (${commit})`);
