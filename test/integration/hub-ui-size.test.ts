import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { entryScripts, firstLoad, HUB_PUBLIC as PUBLIC, hubUiFirstLoad } from '../support/hub-ui-size.ts';

/** The hub UI's budget: the JavaScript of the first load, gzipped (the shell and the fleet page). */
const BUDGET_BYTES = 80 * 1024;

describe('the hub UI stays small (npm run build first)', () => {
  it(`loads at most ${BUDGET_BYTES / 1024} KB of gzipped JavaScript before the fleet page runs`, () => {
    assert.ok(existsSync(join(PUBLIC, 'index.html')), 'hub/dist/public/index.html: run npm run build first');
    const entries = entryScripts(readFileSync(join(PUBLIC, 'index.html'), 'utf8'));
    assert.ok(entries.length > 0, 'index.html names its entry script');
    const { total, files: sizes } = hubUiFirstLoad();
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
