import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LogEntry } from '@quantix/shared';
import { epochArg, escapePcre, isUnitName, queryArgs, tailArgs } from './journald-args.ts';
import { fieldText, levelPriority, parseJournalLine, priorityLevel } from './journald-parse.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('journalctl -o json lines (recorded from a real journal)', () => {
  const entries = fixture('journald-kvm-host.jsonl')
    .split('\n')
    .map(parseJournalLine)
    .filter((e): e is LogEntry => e !== null);

  it('maps every line to a valid LogEntry', () => {
    assert.equal(entries.length, 17);
    for (const e of entries) LogEntry.parse(e);
  });

  it('takes time, cursor, pid and host', () => {
    const first = entries[0] as LogEntry;
    assert.equal(first.timestamp, '2026-11-26T21:09:52.515Z');
    assert.match(first.cursor, /^s=[0-9a-f]+;i=1;b=/);
    assert.equal(first.pid, 9733);
    assert.equal(first.hostname, 'vm');
  });

  it('sources: the unit, else the syslog identifier', () => {
    const bySource = (s: string) => entries.filter((e) => e.source === s).map((e) => e.message);
    assert.deepEqual(bySource('libvirtd.service').length, 4);
    assert.deepEqual(bySource('quantix-host.service'), [
      'host started',
      'state file was unreadable; restored from its .bak',
      'certificate renewal failed',
      'socket.io attached',
    ]);
    assert.equal(bySource('kernel').length, 4);
    assert.equal(bySource('sshd').length, 1);
  });

  it('levels from PRIORITY; none means info', () => {
    const level = (m: string) => entries.find((e) => e.message.startsWith(m))?.level;
    assert.equal(level('Out of memory'), 'critical');
    assert.equal(level('Failed to connect socket'), 'error');
    assert.equal(level('Domain id=1'), 'warning');
    assert.equal(level('br0: port 2'), 'notice');
    assert.equal(level('socket.io attached'), 'debug');
    assert.equal(level('no PRIORITY field'), 'info');
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(priorityLevel), [
      'critical',
      'critical',
      'critical',
      'error',
      'warning',
      'notice',
      'info',
      'debug',
    ]);
  });

  it('decodes a MESSAGE printed as bytes, and keeps a multi-line one', () => {
    const raw = entries.find((e) => e.message.startsWith('raw bytes')) as LogEntry;
    assert.equal(raw.message, 'raw bytes \u001b[1mbold\u001b[0m and bad utf8 \ufffd end');
    assert.ok(entries.some((e) => e.message === 'multi-line message:\nsecond line\nthird line'));
  });

  it('skips malformed lines and reads other value shapes', () => {
    for (const bad of [
      '',
      'garbage',
      '[]',
      '{"MESSAGE":"no cursor"}',
      '{"__CURSOR":"c","__REALTIME_TIMESTAMP":"x"}',
    ]) {
      assert.equal(parseJournalLine(bad), null, bad);
    }
    const e = parseJournalLine(
      '{"__CURSOR":"c","__REALTIME_TIMESTAMP":"1700000000123456","MESSAGE":null,"PRIORITY":"9","_COMM":"bash"}',
    );
    assert.deepEqual(e, {
      cursor: 'c',
      timestamp: '2023-11-14T22:13:20.123Z',
      level: 'info',
      source: 'bash',
      message: '[message too large to show]',
    });
    assert.equal(fieldText(['first', 'second']), 'first');
    assert.equal(fieldText([[104, 105], 'x']), 'hi');
    assert.equal(fieldText(42), undefined);
  });
});

describe('journalctl argv', () => {
  it('a first page: newest first, one more than asked, selected fields only', () => {
    assert.deepEqual(queryArgs({}, { grep: true, lines: 201 }), [
      '--output=json',
      '--output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,_COMM,_PID,_HOSTNAME',
      '--all',
      '--no-pager',
      '--reverse',
      '--lines=201',
    ]);
  });

  it('filters and paging', () => {
    const f = {
      level: 'warning' as const,
      source: 'libvirtd.service',
      text: 'a.b (c)',
      since: '2024-01-02T03:04:05.678Z',
      until: '2024-01-02T04:00:00+01:00',
    };
    assert.deepEqual(queryArgs(f, { grep: true, lines: 51 }).slice(6), [
      '--priority=4',
      '--unit=libvirtd.service',
      '--since=@1704164645.678',
      '--until=@1704164400.000',
      '--grep=a\\.b \\(c\\)',
      '--case-sensitive=false',
    ]);
    // journalctl refuses --since next to --after-cursor: later pages check it in JS
    assert.deepEqual(queryArgs({ ...f, before: 's=abc;i=1' }, { grep: true, lines: 51 }).slice(6), [
      '--priority=4',
      '--unit=libvirtd.service',
      '--until=@1704164400.000',
      '--grep=a\\.b \\(c\\)',
      '--case-sensitive=false',
      '--after-cursor=s=abc;i=1',
    ]);
  });

  it('identifiers, no --priority for debug, no --grep without PCRE2', () => {
    const args = queryArgs({ level: 'debug', source: 'kernel', text: 'oom' }, { grep: false, lines: 2 });
    assert.deepEqual(args.slice(6), ['--identifier=kernel']);
    assert.equal(levelPriority('critical'), 2);
    assert.equal(isUnitName('systemd-fsck@dev-disk-by\\x2duuid-1.service'), true);
    assert.equal(isUnitName('qemu:web01'), false);
  });

  it('follow: no old entries, no time range; after a cursor when restarting', () => {
    const f = { level: 'error' as const, since: '2024-01-01T00:00:00Z', text: 'x' };
    assert.deepEqual(tailArgs(f, { grep: true }).slice(4), [
      '--follow',
      '--priority=3',
      '--grep=x',
      '--case-sensitive=false',
      '--lines=0',
    ]);
    assert.equal(tailArgs(f, { grep: true, afterCursor: 's=1' }).at(-1), '--after-cursor=s=1');
  });

  it('escapes every PCRE2 metacharacter; times as @epoch', () => {
    const meta = '\\^$.|?*+()[]{}/#-';
    assert.equal(escapePcre(meta), meta.replace(/./g, '\\$&'));
    assert.equal(escapePcre('plain text 123 ünïcode'), 'plain text 123 ünïcode');
    assert.equal(epochArg('1970-01-01T00:00:01.5Z'), '@1.500');
  });
});
