import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type LogEntry, LogPage, LogQuery } from '@quantix/shared';
import { createFileSource, type FileSource, type FileSpec } from './file-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-filesrc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2024-03-01T10:00:00.000Z');
const pad = (n: number) => String(n).padStart(2, '0');
/** `2024-03-01 10:00:05.123+0000`, libvirt's stamp */
const libvirtTs = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}+0000`;
};

interface Expected {
  ts: number;
  level: string;
  source: string;
  message: string;
  index: number;
  offset: number;
}

/**
 * Three files with interleaved (and some equal) times: the appliance's pino log, libvirtd's log
 * (with two-line messages) and a QEMU log (with untimestamped lines). Returns what a reader
 * must find, in merge order: newest first, equal times in file-list order, then file order.
 */
function writeFixtures(n: number): { specs: FileSpec[]; expected: Expected[] } {
  const specs: FileSpec[] = [
    { id: 'quantix-host', label: 'Quantix host', path: join(dir, 'quantix-host.log'), format: 'pino' },
    { id: 'libvirtd', label: 'libvirtd', path: join(dir, 'libvirtd.log'), format: 'libvirtd' },
    { id: 'qemu:web01', label: 'VM web01', path: join(dir, 'web01.log'), format: 'qemu' },
  ];
  const expected: Expected[] = [];
  const files = ['', '', ''];
  const add = (index: number, line: string, e: Omit<Expected, 'index' | 'offset' | 'source'> | null) => {
    const offset = Buffer.byteLength(files[index] as string);
    files[index] += `${line}\n`;
    if (e) expected.push({ ...e, index, offset, source: (specs[index] as FileSpec).id });
  };
  const pinoLevels = [20, 30, 30, 40, 50, 60] as const;
  const pinoNames = { 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'critical' } as const;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 10;
    const lvl = pinoLevels[i % pinoLevels.length] as keyof typeof pinoNames;
    const msg = i % 17 === 0 ? `pino ${i} has the NEEDLE` : `pino ${i} ünïcode`;
    add(0, JSON.stringify({ level: lvl, time: new Date(t).toISOString(), service: 'quantix-host', msg }), {
      ts: t,
      level: pinoNames[lvl],
      message: msg,
    });
    if (i % 3 === 0) add(0, 'not json: skipped', null);

    const tl = T0 + i * 10 + (i % 4 === 0 ? 0 : 3); // every 4th at the same ms as the pino line
    const pr = (['debug', 'info', 'warning', 'error'] as const)[i % 4] as string;
    const lmsg = `f${i}:1 : libvirt ${i}${i % 23 === 0 ? ' needle' : ''}`;
    // a libvirtd message over two lines is one entry
    const more = i % 10 === 0 ? `\n  continued ${i}` : '';
    add(1, `${libvirtTs(tl)}: 4242: ${pr} : ${lmsg}`, { ts: tl, level: pr, message: `${lmsg}${more}` });
    if (more) add(1, `  continued ${i}`, null);

    if (i % 5 === 0) {
      const tq = T0 + i * 10 + 7;
      const qmsg = `qemu-system-x86_64: warning: thing ${i}`;
      add(2, `${new Date(tq).toISOString().replace('Z', '123Z')} ${qmsg}`, {
        ts: tq,
        level: 'warning',
        message: qmsg,
      });
      add(2, `plain line ${i}`, { ts: tq, level: 'info', message: `plain line ${i}` });
    }
  }
  specs.forEach((s, i) => {
    writeFileSync(s.path, files[i] as string);
  });
  expected.sort((a, b) => b.ts - a.ts || a.index - b.index || b.offset - a.offset);
  return { specs, expected };
}

const brief = (e: { source: string; message: string }) => `${e.source}|${e.message}`;

/** Every page of a query, following nextBefore to the end. */
async function allPages(
  src: FileSource,
  q: Partial<LogQuery>,
): Promise<{ entries: LogEntry[]; pages: LogPage[] }> {
  const pages: LogPage[] = [];
  let before: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const page = LogPage.parse(await src.query(LogQuery.parse({ ...q, ...(before ? { before } : {}) })));
    pages.push(page);
    if (!page.nextBefore) break;
    before = page.nextBefore;
  }
  return { entries: pages.flatMap((p) => p.entries), pages };
}

for (const [reads, sizes] of [
  // tiny reads, so that lines straddle their edges all the time
  ['tiny reads', { chunkSize: 256, maxChunkSize: 256 }],
  // reads that grow: the whole of each file in a few blocks
  ['growing reads', { chunkSize: 256 }],
] as const)
  describe(`file source: paging three merged files (${reads})`, () => {
    const { specs, expected } = writeFixtures(300);
    const src = createFileSource({ files: () => specs, ...sizes });

    it('returns every line exactly once, newest first, over many pages', async () => {
      const { entries, pages } = await allPages(src, { limit: 7 });
      assert.ok(pages.length > 50);
      assert.deepEqual(entries.map(brief), expected.map(brief));
      assert.deepEqual(
        entries.map((e) => Date.parse(e.timestamp)),
        expected.map((e) => e.ts),
      );
      for (const p of pages.slice(0, -1)) assert.equal(p.entries.length, 7);
      assert.equal(pages.at(-1)?.nextBefore, null);
      assert.equal(pages[0]?.backend, 'files');
    });

    it('a single page with a big limit equals the whole', async () => {
      const page = await src.query(LogQuery.parse({ limit: 1000 }));
      assert.equal(page.entries.length, expected.length);
      assert.equal(page.nextBefore, null);
    });

    it('filters while reading: minimum level', async () => {
      const rank = ['debug', 'info', 'notice', 'warning', 'error', 'critical'];
      const { entries } = await allPages(src, { level: 'warning', limit: 9 });
      assert.deepEqual(entries.map(brief), expected.filter((e) => rank.indexOf(e.level) >= 3).map(brief));
    });

    it('filters: one source', async () => {
      const { entries } = await allPages(src, { source: 'libvirtd', limit: 11 });
      assert.deepEqual(entries.map(brief), expected.filter((e) => e.source === 'libvirtd').map(brief));
      const none = await src.query(LogQuery.parse({ source: 'nope' }));
      assert.deepEqual(none.entries, []);
      assert.equal(none.nextBefore, null);
    });

    it('filters: text, case-insensitive', async () => {
      const { entries } = await allPages(src, { text: 'NeEdLe', limit: 3 });
      const want = expected.filter((e) => e.message.toLowerCase().includes('needle'));
      assert.ok(want.length > 10);
      assert.deepEqual(entries.map(brief), want.map(brief));
      const uni = await src.query(LogQuery.parse({ text: 'ÜNÏCODE', limit: 1 }));
      assert.equal(uni.entries[0]?.message, 'pino 299 ünïcode');
    });

    it('filters: time range, inclusive, and stops reading below `since`', async () => {
      const since = new Date(T0 + 1000).toISOString();
      const until = new Date(T0 + 1500).toISOString();
      const { entries } = await allPages(src, { since, until, limit: 13 });
      const want = expected.filter((e) => e.ts >= T0 + 1000 && e.ts <= T0 + 1500);
      assert.deepEqual(entries.map(brief), want.map(brief));
      assert.ok(entries.some((e) => Date.parse(e.timestamp) === T0 + 1000));
    });

    it('filters combined', async () => {
      const { entries } = await allPages(src, {
        level: 'error',
        source: 'quantix-host',
        text: 'pino 1',
        limit: 4,
      });
      const want = expected.filter(
        (e) =>
          e.source === 'quantix-host' &&
          ['error', 'critical'].includes(e.level) &&
          e.message.includes('pino 1'),
      );
      assert.deepEqual(entries.map(brief), want.map(brief));
    });

    it('a small scan budget returns short pages that still add up to everything', async () => {
      const tight = createFileSource({ files: () => specs, ...sizes, scanBudgetBytes: 2048 });
      const { entries, pages } = await allPages(tight, { text: 'needle', limit: 50 });
      assert.deepEqual(
        entries.map(brief),
        expected.filter((e) => e.message.toLowerCase().includes('needle')).map(brief),
      );
      const short = pages.filter((p) => p.warnings?.some((w) => w.includes('without filling the page')));
      assert.ok(short.length > 3, 'the budget cut pages');
    });

    it("an entry's own cursor pages on from that entry (one source)", async () => {
      const first = await src.query(LogQuery.parse({ source: 'qemu:web01', limit: 5 }));
      const pivot = first.entries[2] as LogEntry;
      const next = await src.query(LogQuery.parse({ source: 'qemu:web01', limit: 2, before: pivot.cursor }));
      assert.deepEqual(next.entries.map(brief), first.entries.slice(3, 5).map(brief));
    });

    it('rejects a cursor that is not ours', async () => {
      await assert.rejects(src.query(LogQuery.parse({ before: 's=journal;i=1' })), {
        code: 'VALIDATION_FAILED',
      });
      await assert.rejects(src.query(LogQuery.parse({ before: 'f1.!!!' })), { code: 'VALIDATION_FAILED' });
    });
  });

describe('file source: files that change between pages', () => {
  it('a new file is read from its end, skipping what is newer than the page boundary', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const line = (ms: number, m: string) => `${libvirtTs(ms)}: 1: info : ${m}\n`;
    writeFileSync(a, [0, 10, 20, 30, 40].map((d) => line(T0 + d, `a${d}`)).join(''));
    const specs: FileSpec[] = [{ id: 'a', label: 'a', path: a, format: 'libvirtd' }];
    const src = createFileSource({ files: () => specs });
    const p1 = await src.query(LogQuery.parse({ limit: 2 }));
    assert.deepEqual(
      p1.entries.map((e) => e.message),
      ['a40', 'a30'],
    );
    writeFileSync(b, [5, 25, 35, 45].map((d) => line(T0 + d, `b${d}`)).join(''));
    specs.push({ id: 'b', label: 'b', path: b, format: 'libvirtd' });
    appendFileSync(a, line(T0 + 50, 'a50'));
    const p2 = await src.query(LogQuery.parse({ limit: 10, before: p1.nextBefore ?? undefined }));
    assert.deepEqual(
      p2.entries.map((e) => e.message),
      ['b25', 'a20', 'a10', 'b5', 'a0'],
    );
  });

  it('a file that shrank below the cursor is read again from its end', async () => {
    const c = join(dir, 'c.log');
    const line = (ms: number, m: string) => `${libvirtTs(ms)}: 1: info : ${m}\n`;
    writeFileSync(c, [0, 10, 20, 30].map((d) => line(T0 + d, `c${d}`)).join(''));
    const src = createFileSource({ files: () => [{ id: 'c', label: 'c', path: c, format: 'libvirtd' }] });
    const p1 = await src.query(LogQuery.parse({ limit: 1 }));
    writeFileSync(c, line(T0 + 5, 'c5'));
    const p2 = await src.query(LogQuery.parse({ limit: 10, before: p1.nextBefore ?? undefined }));
    assert.deepEqual(
      p2.entries.map((e) => e.message),
      ['c5'],
    );
  });

  it('missing files are skipped; the sources list names every configured file', async () => {
    const src = createFileSource({
      files: async () => [{ id: 'gone', label: 'Gone', path: join(dir, 'missing.log'), format: 'pino' }],
    });
    const page = await src.query(LogQuery.parse({}));
    assert.deepEqual(page, { entries: [], nextBefore: null, backend: 'files' });
    assert.deepEqual(await src.sources(), [{ id: 'gone', label: 'Gone', kind: 'file' }]);
  });

  it('a directory in place of a file is a warning, not a failure', async () => {
    const src = createFileSource({ files: () => [{ id: 'd', label: 'd', path: dir, format: 'pino' }] });
    const page = await src.query(LogQuery.parse({}));
    assert.deepEqual(page.entries, []);
    assert.equal(page.warnings?.length, 1);
  });
});

describe('file source: a 20 MB log', () => {
  const big = join(dir, 'big.log');
  const lines = 200_000;
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    parts.push(
      `{"level":${i % 1000 === 0 ? 50 : 30},"time":"${new Date(T0 + i).toISOString()}","service":"quantix-host","msg":"request number ${i} served in a few ms"}\n`,
    );
  }
  writeFileSync(big, parts.join(''));
  parts.length = 0;
  const spec: FileSpec = { id: 'quantix-host', label: 'host', path: big, format: 'pino' };
  // how fast it is, is measured in test/bench/logs.bench.ts; here: what it returns and reads

  it('a page needs only the end of the file', async () => {
    // a budget of 256 KiB out of ~23 MB: a page of 200 must come from the last few reads
    const src = createFileSource({ files: () => [spec], scanBudgetBytes: 256 * 1024 });
    const page = await src.query(LogQuery.parse({}));
    assert.equal(page.entries.length, 200);
    assert.equal(page.warnings, undefined);
    assert.match(page.entries[0]?.message ?? '', /request number 199999 /);
  });

  it('stops reading at `since`, even when it passes over lines unparsed', async () => {
    // the match lies in the last 1 MB; reading on to the start would spend the 4 MiB budget
    const src = createFileSource({ files: () => [spec], scanBudgetBytes: 4 * 1024 * 1024 });
    for (const q of [{ text: 'number 195000 ' }, { text: 'number 195000 ', level: 'info' as const }]) {
      const page = await src.query(LogQuery.parse({ ...q, since: new Date(T0 + 190_000).toISOString() }));
      assert.deepEqual(
        page.entries.map((e) => e.message),
        ['request number 195000 served in a few ms'],
      );
      assert.equal(page.warnings, undefined, 'no budget warning: it stopped');
      assert.equal(page.nextBefore, null);
    }
  });

  it('scanning all of it for a rare match holds little memory', async () => {
    const src = createFileSource({ files: () => [spec] });
    // what stays alive while it reads (garbage collected first), not what awaits collection
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const base = live();
    let peak = 0;
    let samples = 0;
    let done = false;
    // once per turn of the event loop: the scan yields at every read, ~30 of them
    const sample = () => {
      if (done) return;
      samples++;
      peak = Math.max(peak, live() - base);
      setImmediate(sample);
    };
    setImmediate(sample);
    const page = await src.query(LogQuery.parse({ level: 'error', text: 'number 1000 ', limit: 10 }));
    done = true;
    assert.deepEqual(
      page.entries.map((e) => e.message),
      ['request number 1000 served in a few ms'],
    );
    assert.equal(page.nextBefore, null);
    assert.equal(page.warnings, undefined);
    // the file is ~23 MB; holding it (or its lines) would show here
    assert.ok(samples >= 10, `${samples} samples`);
    assert.ok(peak < 8 * 1024 * 1024, `peak live growth ${Math.round(peak / 1024)} KiB`);
  });

  it('every filter finds what parsing every line finds', async () => {
    const src = createFileSource({ files: () => [spec] });
    const all = [
      { text: 'NUMBER 1999' },
      { level: 'error' as const },
      { level: 'error' as const, text: '99000' },
    ];
    for (const q of all) {
      const page = await src.query(LogQuery.parse({ ...q, limit: 1000 }));
      const want: string[] = [];
      for (let i = lines - 1; i >= 0 && want.length < 1000; i--) {
        const message = `request number ${i} served in a few ms`;
        const level = i % 1000 === 0 ? 'error' : 'info';
        if (q.level === 'error' && level !== 'error') continue;
        if (q.text && !message.toLowerCase().includes(q.text.toLowerCase())) continue;
        want.push(message);
      }
      assert.ok(want.length > 0);
      assert.deepEqual(
        page.entries.map((e) => e.message),
        want,
        JSON.stringify(q),
      );
    }
  });
});
