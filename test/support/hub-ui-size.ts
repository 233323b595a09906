import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { REPO } from './server-process.ts';

/** The built hub UI (`npm run build`). */
export const HUB_PUBLIC = join(REPO, 'hub/dist/public');

/** The entry scripts and module preloads index.html names. */
export function entryScripts(html: string): string[] {
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
export function firstLoad(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = entries.map((src) => join(HUB_PUBLIC, src.replace(/^\//, '')));
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

/** The JavaScript of the hub UI's first load, each file gzipped at the best level (as served). */
export function hubUiFirstLoad(): { total: number; files: Array<{ file: string; gzip: number }> } {
  const files = firstLoad(entryScripts(readFileSync(join(HUB_PUBLIC, 'index.html'), 'utf8'))).map((f) => ({
    file: f.slice(HUB_PUBLIC.length + 1),
    gzip: gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION }).length,
  }));
  return { total: files.reduce((n, s) => n + s.gzip, 0), files };
}
