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
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: hostDir, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
// Our own workspace packages are bundled (they are TypeScript source); third-party ones stay in node_modules.
const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@quantix/'));

await build({
  entryPoints: [join(hostDir, 'src/cli.ts')],
  outfile: join(hostDir, 'dist/cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external,
  banner: { js: '#!/usr/bin/env node' },
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
