// Builds the host: the server bundle (dist/cli.js, scripts/build-server.mjs), then the web UI
// (dist/public, scripts/build-ui.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../scripts/build-server.mjs';
import { buildUi } from '../../scripts/build-ui.mjs';

const hostDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { pkg, commit } = await buildServer({ dir: hostDir, entry: 'src/cli.ts' });

if (!process.argv.includes('--server-only')) await buildUi({ dir: hostDir });
console.log(`built host ${pkg.version} (${commit})`);
