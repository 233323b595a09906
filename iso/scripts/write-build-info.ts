// Writes BUILD_INFO.json, checked against the schema the host reads it with.
// Usage: write-build-info.ts <file> <version> <commit> <kernel> <debian>
import { writeFileSync } from 'node:fs';
import { BuildInfo } from '@quantix/shared';

const [file, version, commit, kernel, debian] = process.argv.slice(2);
if (!file) throw new Error('usage: write-build-info.ts <file> <version> <commit> <kernel> <debian>');
const info = BuildInfo.parse({
  product: 'quantix-host',
  version,
  builtAt: new Date().toISOString(),
  commit,
  node: process.version,
  kernel,
  debian,
  registrationApiSupported: true,
});
writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
console.log(`BUILD_INFO.json: ${info.version} ${info.commit}, kernel ${info.kernel}, Node.js ${info.node}`);
