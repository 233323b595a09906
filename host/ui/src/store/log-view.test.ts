import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry, LogPage } from '@quantix/shared';
import {
  checkLogFilter,
  defaultLogFilter,
  emptyLogFilter,
  initialLogView,
  localToIso,
  logPageQuery,
  tailRequest,
  withFirstPage,
  withLiveEntries,
  withOlderPage,
} from './log-view.ts';

const entry = (n: number): LogEntry => ({
  cursor: `c${n}`,
  timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  level: 'info',
  source: 'quantix-host',
  message: `m${n}`,
});
const page = (ns: number[], nextBefore: string | null): LogPage => ({
  entries: ns.map(entry),
  nextBefore,
  backend: 'files',
});
const cursors = (v: { entries: readonly LogEntry[] }) => v.entries.map((e) => e.cursor);

test('the query has only the filters that are set, plus before and limit', () => {
  const f = { ...emptyLogFilter(), level: 'warning' as const, text: '  disk  ', source: 'libvirtd' };
  const q = new URLSearchParams(logPageQuery(f, { before: 'abc', limit: 50 }).slice(1));
  assert.equal(q.get('level'), 'warning');
  assert.equal(q.get('text'), 'disk');
  assert.equal(q.get('source'), 'libvirtd');
  assert.equal(q.get('before'), 'abc');
  assert.equal(q.get('limit'), '50');
  assert.equal(q.has('since'), false);
  const vm = new URLSearchParams(logPageQuery(f, { withSource: false }).slice(1));
  assert.equal(vm.has('source'), false, "a VM's log has no source filter");
  assert.equal(vm.get('limit'), '200');
});

test('times go out as ISO with a zone; bad or inverted ranges are caught', () => {
  const iso = localToIso('2025-03-04T05:06');
  assert.ok(iso?.endsWith('Z'));
  assert.equal(new Date(iso ?? '').getTime(), new Date(2025, 2, 4, 5, 6).getTime());
  assert.equal(localToIso(''), null);
  assert.equal(localToIso('soon'), null);
  assert.equal(checkLogFilter(emptyLogFilter()), null);
  assert.match(
    checkLogFilter({ ...emptyLogFilter(), since: '2025-03-05T00:00', until: '2025-03-04T00:00' }) ?? '',
    /after/,
  );
  assert.deepEqual(tailRequest({ ...emptyLogFilter(), since: '2025-03-05T00:00', level: 'error' }), {
    level: 'error',
  });
});

test('paging: the first page replaces, older pages append without duplicates', () => {
  let v = withFirstPage({ ...initialLogView(), loading: true }, page([5, 4, 3], 'c3'));
  assert.deepEqual(cursors(v), ['c5', 'c4', 'c3']);
  assert.equal(v.nextBefore, 'c3');
  assert.equal(v.loading, false);
  v = withOlderPage({ ...v, loadingOlder: true }, page([3, 2, 1], null));
  assert.deepEqual(cursors(v), ['c5', 'c4', 'c3', 'c2', 'c1']);
  assert.equal(v.nextBefore, null, 'nothing older');
  assert.equal(v.loadingOlder, false);
});

test('live entries go on top, newest first, skipping ones already shown', () => {
  const v = withFirstPage(initialLogView(), page([2, 1], null));
  const out = withLiveEntries(v, [entry(2), entry(3), entry(4)]);
  assert.deepEqual(cursors(out), ['c4', 'c3', 'c2', 'c1']);
  assert.equal(withLiveEntries(v, []), v);
  assert.equal(withLiveEntries(v, [entry(2)]), v);
});

test('past the cap the oldest rows fall off and Load older resumes after the last kept', () => {
  const v = withFirstPage(initialLogView(), page([3, 2, 1], null));
  const out = withLiveEntries(v, [entry(4), entry(5)], 4);
  assert.deepEqual(cursors(out), ['c5', 'c4', 'c3', 'c2']);
  assert.equal(out.nextBefore, 'c2');
});

test('a view starts at info and above, not downloading; Reset goes back there', () => {
  const v = initialLogView();
  assert.deepEqual(v.filter, defaultLogFilter());
  assert.equal(v.filter.level, 'info');
  assert.equal(v.downloading, false);
  const q = new URLSearchParams(logPageQuery(v.filter).slice(1));
  assert.equal(q.get('level'), 'info', 'routine debug lines (each API request) are not asked for');
  assert.deepEqual(tailRequest(v.filter), { level: 'info' });
  assert.equal(new URLSearchParams(logPageQuery(emptyLogFilter()).slice(1)).has('level'), false);
});
