import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type LogEntry, LogPage, LogQuery } from '@quantix/shared';
import { queryArgs } from './journald-args.ts';
import { parseJournalLine } from './journald-parse.ts';
import { createJournaldSource, type JournaldSourceDeps, lineSplitter } from './journald-source.ts';
import { until } from './wait.test-helper.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quantix-journald-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const recorded = fixture('journald-kvm-host.jsonl').toString('utf8').trim().split('\n');
/** the fixture newest first, as `journalctl --reverse` prints it */
const newestFirst = [...recorded].reverse();
const parsedNewestFirst = newestFirst.map(parseJournalLine).filter((e): e is LogEntry => e !== null);

/**
 * A fake `journalctl` first in PATH: it appends its argv to $FAKE_LOG, prints canned output and
 * behaves as told by a few variables. It exercises the real child-process code without journald.
 */
const fakeBin = join(dir, 'bin');
const script = `#!/bin/sh
printf '%s\\n' "$@" >> "$FAKE_LOG"
echo "--end--" >> "$FAKE_LOG"
case " $* " in
  *" --version "*) echo "systemd 252 (252.39-1~deb12u2)"; echo "$FAKE_FEATURES"; exit 0 ;;
  *" --field=_SYSTEMD_UNIT "*) cat "$FAKE_FIELD"; echo; cat "$FAKE_FIELD"; exit 0 ;;
  *" --follow "*)
    echo $$ >> "$FAKE_PIDS"
    cat "$FAKE_FOLLOW"
    [ -n "$FAKE_FOLLOW_EXIT" ] && exit 0
    exec sleep 60 ;;
esac
[ -n "$FAKE_SLEEP" ] && exec sleep "$FAKE_SLEEP"
if [ -n "$FAKE_FAIL" ]; then echo "Failed to open journal: Permission denied" >&2; echo "second line" >&2; exit 1; fi
cat "$FAKE_OUTPUT"
exit "\${FAKE_EXIT:-0}"
`;
const { mkdirSync } = await import('node:fs');
mkdirSync(fakeBin);
writeFileSync(join(fakeBin, 'journalctl'), script);
chmodSync(join(fakeBin, 'journalctl'), 0o755);
const output = join(dir, 'output.jsonl');
writeFileSync(output, `${newestFirst.join('\n')}\n`);
const follow = join(dir, 'follow.jsonl');
writeFileSync(follow, `${recorded.slice(5, 8).join('\n')}\n`);

let n = 0;
function fake(vars: Record<string, string> = {}, deps: JournaldSourceDeps = {}) {
  const log = join(dir, `argv-${++n}.txt`);
  const pids = join(dir, `pids-${n}.txt`);
  writeFileSync(log, '');
  writeFileSync(pids, '');
  const env = {
    ...process.env,
    PATH: `${fakeBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    FAKE_LOG: log,
    FAKE_PIDS: pids,
    FAKE_OUTPUT: output,
    FAKE_FOLLOW: follow,
    FAKE_FIELD: fileURLToPath(new URL('./fixtures/journald-field-systemd-unit.txt', import.meta.url)),
    FAKE_FEATURES: '+PAM +AUDIT +SELINUX +PCRE2 -PWQUALITY',
    ...vars,
  };
  const src = createJournaldSource({ env, ...deps });
  const runs = (): string[][] =>
    readFileSync(log, 'utf8')
      .split('--end--\n')
      .filter((r) => r !== '')
      .map((r) => r.split('\n').slice(0, -1));
  const children = (): number[] => readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
  return { src, runs, children };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('journald source through a fake journalctl', () => {
  it('splits output into lines on bytes: a character cut between chunks stays whole', () => {
    const got: string[] = [];
    const split = lineSplitter((l) => got.push(l));
    const bytes = Buffer.from('{"MESSAGE":"grüße"}\n{"MESSAGE":"€"}\ntail');
    for (let i = 0; i < bytes.length; i += 3) split.push(bytes.subarray(i, i + 3));
    split.end();
    assert.deepEqual(got, ['{"MESSAGE":"grüße"}', '{"MESSAGE":"€"}', 'tail']);
  });

  it('runs the argv it built and pages by the last entry shown', async () => {
    const { src, runs } = fake();
    const q = LogQuery.parse({ level: 'notice', source: 'kernel', limit: 5, before: 's=x;i=9' });
    const page = LogPage.parse(await src.query(q));
    assert.deepEqual(runs().at(-1), queryArgs(q, { grep: true, lines: 6 }));
    assert.equal(page.backend, 'journald');
    assert.deepEqual(page.entries, parsedNewestFirst.slice(0, 5));
    assert.equal(page.nextBefore, parsedNewestFirst[4]?.cursor);
    const last = await src.query(LogQuery.parse({ limit: 100 }));
    assert.equal(last.entries.length, 17);
    assert.equal(last.nextBefore, null);
  });

  it('with PCRE2 the text goes to --grep; without, it is matched here in batches', async () => {
    const withGrep = fake();
    await withGrep.src.query(LogQuery.parse({ text: 'KVM (x)' }));
    assert.ok(withGrep.runs().at(-1)?.includes('--grep=KVM \\(x\\)'));
    assert.equal(await withGrep.src.grepSupported(), true);

    const noGrep = fake({ FAKE_FEATURES: '+PAM -PCRE2' });
    const page = await noGrep.src.query(LogQuery.parse({ text: 'KVM', limit: 1 }));
    assert.equal(await noGrep.src.grepSupported(), false);
    const argv = noGrep.runs().at(-1) ?? [];
    assert.ok(!argv.some((a) => a.startsWith('--grep')));
    assert.ok(argv.includes('--lines=1000'));
    assert.deepEqual(
      page.entries.map((e) => e.message),
      ["kvm: already loaded vendor module 'kvm_intel'"],
    );
    assert.equal(page.nextBefore, page.entries[0]?.cursor, 'another match follows');
    const both = await noGrep.src.query(LogQuery.parse({ text: 'KVM', limit: 5 }));
    assert.deepEqual(
      both.entries.map((e) => e.message),
      ["kvm: already loaded vendor module 'kvm_intel'", 'hostname: kvm-node-01'],
    );
    assert.equal(both.nextBefore, null, 'fewer lines than a batch: that was all');
  });

  it('lists the units (recorded --field output) once each, sorted', async () => {
    const { src } = fake();
    assert.deepEqual(await src.sources(), [
      { id: 'libvirtd.service', label: 'libvirtd.service', kind: 'unit' },
      { id: 'quantix-host.service', label: 'quantix-host.service', kind: 'unit' },
    ]);
  });

  it('failures: stderr is reported; exit 1 without a word is "no match"', async () => {
    await assert.rejects(fake({ FAKE_FAIL: '1' }).src.query(LogQuery.parse({})), {
      code: 'INTERNAL',
      message: /Permission denied$/,
    });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const none = await fake({ FAKE_OUTPUT: empty, FAKE_EXIT: '1' }).src.query(
      LogQuery.parse({ text: 'zzz' }),
    );
    assert.deepEqual(none, { entries: [], nextBefore: null, backend: 'journald' });
    await assert.rejects(
      createJournaldSource({ journalctl: join(dir, 'no-such-journalctl') }).query(LogQuery.parse({})),
      {
        code: 'INTERNAL',
        message: /cannot run/,
      },
    );
  });

  // the fake sleeps 600 s: only the kill at the timeout ends this test in time
  it('a journalctl that hangs is killed at the timeout', { timeout: 120_000 }, async () => {
    const { src } = fake({ FAKE_SLEEP: '600' }, { timeoutMs: 200 });
    await assert.rejects(src.query(LogQuery.parse({})), {
      code: 'INTERNAL',
      message: /did not answer within 200 ms/,
    });
  });

  it('output over the cap ends the run with a short page that can go on', async () => {
    const { src } = fake({}, { maxOutputBytes: 3000 });
    const page = await src.query(LogQuery.parse({ limit: 10 }));
    assert.ok(page.entries.length > 0 && page.entries.length < 10, `${page.entries.length}`);
    assert.equal(page.nextBefore, page.entries.at(-1)?.cursor);
    assert.match(page.warnings?.[0] ?? '', /more than/);
  });

  it('tail: one journalctl --follow per distinct filter, shared, killed with the last watcher', async () => {
    const { src, runs, children } = fake();
    const a: LogEntry[] = [];
    const b: LogEntry[] = [];
    const other: LogEntry[] = [];
    const stopA = src.tail({ level: 'info' }, (e) => a.push(e));
    const stopB = src.tail({ level: 'info' }, (e) => b.push(e));
    const stopOther = src.tail({ source: 'kernel' }, (e) => other.push(e));
    after(() => {
      stopA();
      stopB();
      stopOther();
    });
    await until(() => a.length === 3 && b.length === 3 && other.length === 3, 'entries');
    await until(() => runs().filter((r) => r.includes('--follow')).length === 2, 'two children');
    const follows = runs().filter((r) => r.includes('--follow'));
    assert.ok(follows.some((r) => r.includes('--priority=6') && r.includes('--lines=0')));
    assert.deepEqual(
      a.map((e) => e.message),
      recorded.slice(5, 8).map((l) => parseJournalLine(l)?.message),
    );
    await until(() => children().length === 2, 'pids');
    const [p1, p2] = children() as [number, number];
    assert.ok(alive(p1) && alive(p2));
    stopA();
    stopOther();
    await until(() => [p1, p2].filter(alive).length === 1, 'the unshared one to end');
    assert.ok(alive(p1) || alive(p2), 'the shared one runs while B watches');
    stopB();
    await until(() => !alive(p1) && !alive(p2), 'children to end');
  });

  it('tail: a journalctl that ends is started again after the last cursor it showed', async () => {
    const { src, runs } = fake({ FAKE_FOLLOW_EXIT: '1' }, { restartMs: 20 });
    const got: LogEntry[] = [];
    const stop = src.tail({}, (e) => got.push(e));
    after(stop);
    await until(() => runs().filter((r) => r.includes('--follow')).length >= 2, 'a restart');
    stop();
    const second = runs().filter((r) => r.includes('--follow'))[1] ?? [];
    assert.ok(
      second.includes(`--after-cursor=${parseJournalLine(recorded[7] ?? '')?.cursor}`),
      second.join(' '),
    );
    assert.ok(!second.includes('--lines=0'));
  });
});

// The real journalctl reading the recorded journal file (`--file`), wrapped so that our argv is
// passed on unchanged: this checks the paging and filter semantics against systemd itself.
const realJournalctl = ['/usr/bin/journalctl', '/bin/journalctl'].find((p) => existsSync(p));

describe('journald source against a real journal file', {
  skip: realJournalctl ? false : 'no journalctl here',
}, () => {
  const journal = join(dir, 'kvm-host.journal');
  writeFileSync(journal, gunzipSync(fixture('journald-kvm-host.journal.gz')));
  const wrapBin = join(dir, 'wrap');
  mkdirSync(wrapBin);
  writeFileSync(join(wrapBin, 'journalctl'), `#!/bin/sh\nexec ${realJournalctl} --file="${journal}" "$@"\n`);
  chmodSync(join(wrapBin, 'journalctl'), 0o755);
  const src = createJournaldSource({ journalctl: join(wrapBin, 'journalctl') });
  const all = parsedNewestFirst;

  async function pages(q: Record<string, unknown>): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    let before: string | undefined;
    for (let i = 0; i < 100; i++) {
      const p = await src.query(LogQuery.parse({ ...q, ...(before ? { before } : {}) }));
      out.push(...p.entries);
      if (!p.nextBefore) return out;
      before = p.nextBefore;
    }
    throw new Error('endless paging');
  }
  const msgs = (es: LogEntry[]) => es.map((e) => `${e.source}|${e.message}`);

  it('pages newest first, every entry exactly once', async () => {
    assert.deepEqual(msgs(await pages({ limit: 4 })), msgs(all));
    assert.deepEqual(msgs(await pages({ limit: 17 })), msgs(all));
  });

  it('minimum level, unit, identifier', async () => {
    const rank = ['debug', 'info', 'notice', 'warning', 'error', 'critical'];
    assert.deepEqual(
      msgs(await pages({ level: 'warning', limit: 2 })),
      msgs(all.filter((e) => rank.indexOf(e.level) >= 3)),
    );
    assert.deepEqual(
      msgs(await pages({ source: 'libvirtd.service', limit: 3 })),
      msgs(all.filter((e) => e.source === 'libvirtd.service')),
    );
    assert.deepEqual(
      msgs(await pages({ source: 'kernel', level: 'notice', limit: 3 })),
      msgs(all.filter((e) => e.source === 'kernel' && e.level !== 'info')),
    );
  });

  it('text: literal and case-insensitive through --grep', async () => {
    assert.equal(await src.grepSupported(), true);
    assert.deepEqual(
      msgs(await pages({ text: 'KVM', limit: 1 })),
      msgs(all.filter((e) => e.message.toLowerCase().includes('kvm'))),
    );
    const literal = await pages({ text: '(qemu-system-x86)' });
    assert.deepEqual(
      literal.map((e) => e.message),
      ['Out of memory: Killed process 4242 (qemu-system-x86) total-vm:8388608kB'],
    );
  });

  it('time range', async () => {
    const mid = (a: LogEntry, b: LogEntry) =>
      new Date((Date.parse(a.timestamp) + Date.parse(b.timestamp)) / 2).toISOString();
    // all[] is newest first: between the 3rd/4th newest and the 12th/13th
    const until = mid(all[2] as LogEntry, all[3] as LogEntry);
    const since = mid(all[11] as LogEntry, all[12] as LogEntry);
    assert.deepEqual(msgs(await pages({ since, until, limit: 4 })), msgs(all.slice(3, 12)));
  });
});
