import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { REPO } from '../support/server-process.ts';

/** The hub UI's budget: the JavaScript of the first load, gzipped (the shell and the fleet page). */
const BUDGET_BYTES = 80 * 1024;
const PUBLIC = join(REPO, 'hub/dist/public');

/** The entry scripts and module preloads index.html names. */
function entryScripts(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  return [...scripts, ...preloads].filter((s) => s !== '');
}

/**
 * Every file the browser must fetch before the first page runs: the entries and, transitively,
 * what they import statically (`import … from "./x.js"`). Dynamic `import()` (the lazy pages) is
 * not followed: those load on first visit.
 */
function firstLoad(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = entries.map((src) => join(PUBLIC, src.replace(/^\//, '')));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(
      /(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]+from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g,
    )) {
      if (m[1]) queue.push(resolve(dirname(file), m[1]));
    }
  }
  return [...seen];
}

describe('the hub UI stays small (npm run build first)', () => {
  it(`loads at most ${BUDGET_BYTES / 1024} KB of gzipped JavaScript before the fleet page runs`, () => {
    assert.ok(existsSync(join(PUBLIC, 'index.html')), 'hub/dist/public/index.html: run npm run build first');
    const entries = entryScripts(readFileSync(join(PUBLIC, 'index.html'), 'utf8'));
    assert.ok(entries.length > 0, 'index.html names its entry script');
    const files = firstLoad(entries);
    const sizes = files.map((f) => ({
      file: f.slice(PUBLIC.length + 1),
      gzip: gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION }).length,
    }));
    const total = sizes.reduce((n, s) => n + s.gzip, 0);
    const report = sizes.map((s) => `${s.file} ${(s.gzip / 1024).toFixed(1)} KB`).join(', ');
    console.log(`hub UI first load: ${(total / 1024).toFixed(1)} KB gzipped (${report})`);
    assert.ok(total > 10 * 1024, `the measure found the shell: ${report}`);
    assert.ok(
      total <= BUDGET_BYTES,
      `first load ${(total / 1024).toFixed(1)} KB > ${BUDGET_BYTES / 1024} KB: ${report}`,
    );
  });

  it('keeps the other pages out of the first load', () => {
    const html = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
    const files = firstLoad(entryScripts(html)).map((f) => f.slice(PUBLIC.length + 1));
    // the walk does follow static imports: a lazy page's own import list holds the shell
    const lazyPage = /import\([`"']\.\/(host-detail-page-[^`"']+\.js)[`"']\)/.exec(
      readFileSync(join(PUBLIC, files[0] ?? ''), 'utf8'),
    )?.[1];
    assert.ok(lazyPage, 'the shell imports the host page on demand');
    assert.ok(firstLoad([`/assets/${lazyPage}`]).length >= 2, 'a lazy page imports the shell');
    for (const lazy of ['host-detail-page', 'pool-page', 'vm-wizard-page', 'enrollment-page']) {
      assert.ok(
        !files.some((f) => f.includes(lazy)),
        `${lazy} is fetched on first visit only: ${files.join(', ')}`,
      );
    }
  });
});
