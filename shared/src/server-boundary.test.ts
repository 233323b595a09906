import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// The server kit (@quantix/shared/server, shared/src/server) is Node-only: express, lowdb, pino,
// node:fs. The contracts (@quantix/shared) are imported by the browser UI as well, so neither they
// nor the UI's own code may ever reach the kit, or a browser bundle would pull a server in.

const SHARED_SRC = fileURLToPath(new URL('./', import.meta.url));
const SERVER_DIR = join(SHARED_SRC, 'server') + sep;
const KIT = '@quantix/shared/server';
// the browser code: the two web UIs and the UI kit they share (@quantix/shared/ui/*)
const SHARED_UI = join(SHARED_SRC, 'ui') + sep;
const SHARED_UI_PKG = '@quantix/shared/ui/';
const UI_ROOTS = {
  'host/ui/src': fileURLToPath(new URL('../../host/ui/src/', import.meta.url)),
  'hub/ui/src': fileURLToPath(new URL('../../hub/ui/src/', import.meta.url)),
  'shared/src/ui': SHARED_UI,
};
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every module specifier of a file: static imports and re-exports (type-only too), and import(). */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const statics = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
  const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const re of [statics, dynamic]) for (const m of text.matchAll(re)) if (m[1]) found.push(m[1]);
  return found;
}

/**
 * The files reachable from `entries` through relative imports and the UI kit's package paths
 * (`@quantix/shared/ui/x.ts` is `shared/src/ui/x.ts`), with the other package specifiers they use.
 */
function importGraph(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>(); // specifier → first file that uses it
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of specifiersOf(file)) {
      if (spec.startsWith(SHARED_UI_PKG) && /\.tsx?$/.test(spec)) {
        queue.push(join(SHARED_UI, spec.slice(SHARED_UI_PKG.length)));
      } else if (!spec.startsWith('.')) {
        if (!packages.has(spec)) packages.set(spec, file);
      } else if (/\.tsx?$/.test(spec)) queue.push(resolve(dirname(file), spec));
    }
  }
  return { files, packages };
}

/** What in the graph reaches the kit, by package name or by path. */
function kitReaches(graph: ReturnType<typeof importGraph>, root: string): string[] {
  const byName = [...graph.packages]
    .filter(([spec]) => spec === KIT || spec.startsWith(`${KIT}/`))
    .map(([spec, file]) => `${relative(root, file)} imports ${spec}`);
  const byPath = [...graph.files].filter((f) => f.startsWith(SERVER_DIR)).map((f) => relative(root, f));
  return [...byName, ...byPath];
}

const isTest = (name: string) => /\.test(-helper)?\.tsx?$/.test(name);

describe('the server kit stays out of the contracts and the browser', () => {
  it('finds the kit where it is imported (the check itself works)', () => {
    const graph = importGraph([join(SERVER_DIR, 'index.ts')]);
    assert.ok(kitReaches(graph, SHARED_SRC).length > 10);
    const viaName = importGraph([fileURLToPath(new URL('../../host/src/main.ts', import.meta.url))]);
    assert.ok(viaName.packages.has(KIT), 'host/src/main.ts imports the kit by name');
  });

  it('@quantix/shared (shared/src/index.ts) never reaches shared/src/server', () => {
    const graph = importGraph([join(SHARED_SRC, 'index.ts')]);
    assert.ok(graph.files.has(join(SHARED_SRC, 'errors.ts')), 'the walk follows the contracts');
    assert.deepEqual(kitReaches(graph, SHARED_SRC), []);
  });

  // Tests under the UIs run in Node, never in a browser bundle; one of them (logs-api.test.ts)
  // drives the UI's api layer against the host's real routes and the kit's error handler.
  const uiFilesOf = (root: string) =>
    existsSync(root)
      ? readdirSync(root, { recursive: true, encoding: 'utf8' })
          .filter((name) => /\.tsx?$/.test(name) && !isTest(name))
          .map((name) => join(root, name))
      : [];

  for (const [name, root] of Object.entries(UI_ROOTS)) {
    it(`no code of ${name} reaches @quantix/shared/server or a node: module`, () => {
      const uiFiles = uiFilesOf(root);
      if (name !== 'shared/src/ui') {
        assert.ok(
          uiFiles.some((f) => f.endsWith(`${sep}main.tsx`)),
          'the walk starts at the UI entry',
        );
      }
      const graph = importGraph(uiFiles);
      assert.ok(graph.packages.has('@quantix/shared'), 'the UI uses the contracts');
      assert.deepEqual(kitReaches(graph, REPO_ROOT), []);
      const nodeOnly = [...graph.packages]
        .filter(([spec]) => spec.startsWith('node:'))
        .map(([spec, file]) => `${relative(REPO_ROOT, file)} imports ${spec}`);
      assert.deepEqual(nodeOnly, [], 'browser code imports no Node built-in');
    });
  }

  it('both UIs use the shared UI kit, and the walk follows it', () => {
    for (const name of ['host/ui/src', 'hub/ui/src'] as const) {
      const graph = importGraph(uiFilesOf(UI_ROOTS[name]));
      assert.ok(
        [...graph.files].some((f) => f.startsWith(SHARED_UI)),
        `${name} reaches shared/src/ui through @quantix/shared/ui/*`,
      );
    }
  });
});
