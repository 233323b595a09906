// Builds the hub: the server bundle (dist/cli.js) with the same esbuild setup as the host, then
// its web UI (dist/public) with the same Vite setup (scripts/build-ui.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../scripts/build-server.mjs';
import { buildUi } from '../../scripts/build-ui.mjs';

const hubDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { pkg, commit } = await buildServer({ dir: hubDir, entry: 'src/cli.ts' });

if (!process.argv.includes('--server-only')) await buildUi({ dir: hubDir });
console.log(`built hub ${pkg.version} (${commit})`);
