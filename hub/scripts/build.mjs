// Builds the hub: the server bundle (dist/cli.js) with the same esbuild setup as the host. No web UI yet.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../scripts/build-server.mjs';

const hubDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { pkg, commit } = await buildServer({ dir: hubDir, entry: 'src/cli.ts' });
console.log(`built hub ${pkg.version} (${commit})`);
