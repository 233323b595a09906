// Copies the npm packages the host bundle loads at run time (the externals of
// scripts/build-server.mjs that are not optional) with their dependencies into <dest>, in the
// same node_modules layout npm gave them here (nested copies where versions differ): the same
// versions the tests ran against, and no registry needed.
// Usage: node iso/scripts/runtime-modules.mjs <host package dir> <dest> name...
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';

const [fromArg, dest, ...roots] = process.argv.slice(2);
const from = fromArg && resolve(fromArg);
if (!from || !dest || roots.length === 0) {
  console.error('usage: runtime-modules.mjs <host package dir> <dest> name...');
  process.exit(2);
}

/** The folder of `name` as resolved from `fromDir` (its package.json's folder). */
function packageDir(name, fromDir) {
  const req = createRequire(join(fromDir, 'package.json'));
  // a package's own package.json may not be exported: walk up from its main entry instead
  let dir;
  try {
    dir = dirname(req.resolve(`${name}/package.json`));
  } catch {
    dir = dirname(req.resolve(name));
    while (!existsSync(join(dir, 'package.json')) || readJson(join(dir, 'package.json')).name !== name) {
      const up = dirname(dir);
      if (up === dir) throw new Error(`cannot find the folder of ${name}`);
      dir = up;
    }
  }
  return dir;
}
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

const chosen = new Map(); // folder → name@version
const queue = roots.map((name) => ({ name, fromDir: from }));
while (queue.length) {
  const { name, fromDir } = queue.shift();
  const dir = packageDir(name, fromDir);
  if (chosen.has(dir)) continue;
  const pkg = readJson(join(dir, 'package.json'));
  chosen.set(dir, `${name}@${pkg.version}`);
  for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, fromDir: dir });
}
for (const dir of chosen.keys()) {
  const at = dir.indexOf(`${sep}node_modules${sep}`);
  if (at < 0) throw new Error(`${dir} is not in a node_modules folder`);
  cpSync(dir, join(dest, dir.slice(at)), { recursive: true, dereference: true });
}
console.log([...chosen.values()].sort().join(' '));
