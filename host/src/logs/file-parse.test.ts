import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import express from 'express';
import pino from 'pino';
import { accessLog } from '@quantix/shared/server';
import { createBackwardAssembler, createForwardAssembler, MAX_PENDING_LINES } from './file-assemble.ts';
import {
  type FileFormat,
  createHeadTime,
  MAX_MESSAGE_CHARS,
  parseLine,
  pinoLevel,
  pinoLevelAt,
  pinoLinesFrom,
  pinoTimeAhead,
  qemuLevel,
  type RawFileEntry,
} from './file-parse.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** Lines of a text with the byte offset each starts at (the last, unterminated piece is left out). */
function linesOf(text: string): Array<{ line: string; offset: number }> {
  const out: Array<{ line: string; offset: number }> = [];
  let offset = 0;
  const parts = text.split('\n');
  parts.pop();
  for (const line of parts) {
    out.push({ line, offset });
    offset += Buffer.byteLength(line) + 1;
  }
  return out;
}

function forward(format: FileFormat, text: string): RawFileEntry[] {
  const asm = createForwardAssembler(format, () => 0);
  return [...linesOf(text).flatMap(({ line, offset }) => asm.push(line, offset)), ...asm.flush()];
}

function backward(format: FileFormat, text: string, newerTs = 0): RawFileEntry[] {
  const asm = createBackwardAssembler(format, () => newerTs);
  const out = linesOf(text)
    .reverse()
    .flatMap(({ line, offset }) => asm.push(line, offset));
  return [...out, ...asm.end()];
}

const iso = (e: RawFileEntry) => new Date(e.tsMs).toISOString();

describe('pino lines (the appliance log, recorded from createLogger)', () => {
  const entries = forward('pino', fixture('quantix-host.pino.log'));

  it('maps every line: level numbers, ISO time, message and bound fields', () => {
    assert.equal(entries.length, 7);
    assert.deepEqual(
      entries.map((e) => e.level),
      ['debug', 'info', 'debug', 'warning', 'error', 'info', 'critical'],
    );
    assert.equal(iso(entries[0] as RawFileEntry), '2026-11-26T21:10:51.605Z');
    assert.equal(entries[0]?.message, 'socket.io attached');
    assert.equal(
      entries[2]?.message,
      'request {"method":"GET","path":"/api/v1/host","status":200,"ms":3}',
      'bound fields follow the message',
    );
    assert.equal(entries[2]?.level, 'debug', "an API request's access line is routine");
  });

  it("keeps an error's type and message but not its stack; redacted values stay redacted", () => {
    assert.match(
      entries[4]?.message ?? '',
      /^certificate renewal failed \{"err":"Error: EACCES: permission denied/,
    );
    assert.doesNotMatch(entries[4]?.message ?? '', /stack|at <anonymous>/);
    assert.match(entries[5]?.message ?? '', /"password":"\[redacted\]"/);
  });

  it('skips what is not a pino record; takes epoch-ms times, pid and hostname', () => {
    assert.deepEqual(parseLine('pino', 'not json'), { kind: 'skip' });
    assert.deepEqual(parseLine('pino', '[1,2]'), { kind: 'skip' });
    assert.deepEqual(parseLine('pino', '{"level":30,"msg":"no time"}'), { kind: 'skip' });
    assert.deepEqual(parseLine('pino', '{"level":"info","time":1,"msg":"x"}'), { kind: 'skip' });
    assert.deepEqual(
      parseLine('pino', '{"level":30,"time":1700000000000,"pid":42,"hostname":"kvm1","msg":"hi"}'),
      {
        kind: 'entry',
        tsMs: 1700000000000,
        level: 'info',
        message: 'hi',
        pid: 42,
        hostname: 'kvm1',
      },
    );
    assert.deepEqual([10, 20, 30, 40, 50, 60, 70].map(pinoLevel), [
      'debug',
      'debug',
      'info',
      'warning',
      'error',
      'critical',
      'critical',
    ]);
  });
});

describe('libvirtd log lines', () => {
  const entries = forward('libvirtd', fixture('libvirtd.log'));

  it('reads time, priority and message of the real libvirt 9.0 lines', () => {
    assert.equal(iso(entries[0] as RawFileEntry), '2026-11-26T21:08:38.336Z');
    assert.equal(entries[0]?.level, 'info');
    assert.equal(entries[0]?.message, 'libvirt version: 9.0.0, package: 9.0.0-4+deb12u2 (Debian)');
    assert.equal(entries[2]?.level, 'error');
    assert.match(
      entries[2]?.message ?? '',
      /^virGDBusGetSystemBus:99 : internal error: Unable to get system bus/,
    );
    assert.equal(entries[3]?.level, 'warning');
    assert.equal(entries.filter((e) => e.level === 'error').length, 5);
  });

  it('keeps a multi-line message (an XML dump) as one entry, with its time and level', () => {
    const xml = entries.filter((e) => e.message.includes('db01</name>'));
    assert.equal(xml.length, 1);
    assert.equal(
      xml[0]?.message,
      "virDomainDefFormat:28735 : formatted XML:\n<domain type='kvm'>\n  <name>db01</name>\n</domain>",
    );
    assert.equal(xml[0]?.level, 'debug');
    assert.equal(iso(xml[0] as RawFileEntry), '2026-11-26T21:09:06.013Z');
    assert.equal(entries.length, 11, 'one entry per timestamped line; the blank line is no entry');
  });

  it('understands other zone offsets', () => {
    const p = parseLine('libvirtd', '2024-01-02 03:04:05.678+0100: 1234: warning : f:1 : m');
    assert.equal(p.kind === 'entry' && new Date(p.tsMs).toISOString(), '2024-01-02T02:04:05.678Z');
  });
});

describe('QEMU per-VM log lines', () => {
  const entries = forward('qemu', fixture('qemu-web01.log'));

  it('reads libvirt-stamped and QEMU-stamped lines and guesses levels', () => {
    const start = entries[0] as RawFileEntry;
    assert.match(start.message, /^starting up libvirt version: 9\.0\.0/);
    assert.equal(iso(start), '2026-11-26T21:09:02.201Z');
    const warn = entries.find((e) => e.message.includes('avx512vnni [bit 11]')) as RawFileEntry;
    assert.equal(warn.level, 'warning');
    assert.equal(iso(warn), '2026-11-26T21:09:02.411Z', 'microseconds are cut to milliseconds');
    const failed = entries.filter((e) => e.level === 'error').map((e) => e.message);
    assert.equal(failed.length, 2);
    assert.match(failed[0] ?? '', /Could not open/);
    assert.equal(failed[1], 'shutting down, reason=failed');
  });

  it('shows each command line libvirt ran as one entry, dated by the "starting up" line above it', () => {
    const text = fixture('qemu-web01.log');
    const cmds = entries.filter((e) => e.message.startsWith('LC_ALL=C \\\n'));
    assert.equal(cmds.length, 2);
    const first = cmds[0] as RawFileEntry;
    const lines = first.message.split('\n');
    assert.equal(lines.length, 27, 'every line of the first command line');
    assert.equal(lines[6], '/usr/bin/qemu-system-x86_64 \\');
    assert.equal(lines.at(-1), '-msg timestamp=on');
    assert.equal(iso(first), '2026-11-26T21:09:02.201Z');
    assert.equal(first.level, 'info');
    assert.equal(first.offset, text.indexOf('LC_ALL=C'), 'it starts where its first line does');
    assert.equal(iso(cmds[1] as RawFileEntry), '2026-11-26T21:31:40.015Z');
    assert.match(cmds[1]?.message ?? '', /web01-data\.qcow2.*\n-msg timestamp=on$/s);
    // QEMU's own output without a timestamp is not part of the command line
    const pty = entries.find((e) => e.message.startsWith('char device redirected')) as RawFileEntry;
    assert.equal(iso(pty), '2026-11-26T21:09:02.201Z');
    assert.equal(pty.level, 'info');
    assert.equal(entries.length, 10);
  });

  it('levels: warning:, failures, crashes', () => {
    assert.equal(qemuLevel('qemu-system-x86_64: warning: x'), 'warning');
    assert.equal(qemuLevel('qemu-kvm: error: x'), 'error');
    assert.equal(qemuLevel('shutting down, reason=crashed'), 'error');
    assert.equal(qemuLevel('shutting down, reason=destroyed'), 'info');
    assert.equal(qemuLevel('qemu-system-x86_64: terminating on signal 15 from pid 1 (libvirtd)'), 'info');
  });
});

describe('backward assembly', () => {
  for (const [format, name] of [
    ['pino', 'quantix-host.pino.log'],
    ['libvirtd', 'libvirtd.log'],
    ['qemu', 'qemu-web01.log'],
  ] as const) {
    it(`reading ${name} backwards gives the forward entries, reversed`, () => {
      const text = fixture(name);
      assert.deepEqual(backward(format, text), forward(format, text).reverse());
    });
  }

  it('lines before the first timestamp take the time of the entry below them', () => {
    const text = 'orphan 1\norphan 2\n2024-01-02T03:04:05.000000Z qemu-system-x86_64: hello\n';
    const out = backward('qemu', text, 99);
    assert.deepEqual(
      out.map((e) => [e.message, iso(e)]),
      [
        ['qemu-system-x86_64: hello', '2024-01-02T03:04:05.000Z'],
        ['orphan 2', '2024-01-02T03:04:05.000Z'],
        ['orphan 1', '2024-01-02T03:04:05.000Z'],
      ],
    );
    assert.deepEqual(
      backward('qemu', 'only\nplain\n', 1234).map((e) => e.tsMs),
      [1234, 1234],
      'no timestamp at all: the fallback',
    );
  });

  it('does not hold more than MAX_PENDING_LINES continuation lines', () => {
    const asm = createBackwardAssembler('qemu', () => 7);
    let emitted = 0;
    for (let i = 0; i <= MAX_PENDING_LINES; i++) emitted += asm.push(`plain ${i}`, i).length;
    assert.equal(emitted, MAX_PENDING_LINES + 1);
    assert.equal(asm.hasPending(), false);
  });

  it('cuts a message of too many lines the same way in both directions', () => {
    const row = `  <disk>${'d'.repeat(200)}</disk>`;
    const text = `2024-01-02 03:04:05.000+0000: 1: debug : dump:\n${`${row}\n`.repeat(1000)}2024-01-02 03:04:06.000+0000: 1: info : next\n`;
    const back = backward('libvirtd', text);
    assert.deepEqual(back, forward('libvirtd', text).reverse());
    const dump = back[1] as RawFileEntry;
    assert.equal(dump.message.length, MAX_MESSAGE_CHARS + 1);
    assert.ok(dump.message.startsWith('dump:\n  <disk>') && dump.message.endsWith('…'));
  });

  it('a QEMU command line at the start of a file takes the time of the entry below it', () => {
    const text = 'LC_ALL=C \\\n/usr/bin/qemu \\\n-S\n2024-01-02T03:04:05.000000Z qemu-system-x86_64: up\n';
    assert.deepEqual(
      backward('qemu', text, 99).map((e) => [e.message, iso(e)]),
      [
        ['qemu-system-x86_64: up', '2024-01-02T03:04:05.000Z'],
        ['LC_ALL=C \\\n/usr/bin/qemu \\\n-S', '2024-01-02T03:04:05.000Z'],
      ],
    );
  });
});

describe('looking at a line before parsing it', () => {
  it('headTime: exactly the lines parseLine dates, for every fixture line', () => {
    const headTime = createHeadTime();
    const extra = [
      '2024-13-45 10:00:00.000+0000: 1: info : bad date',
      '2024-01-02 03:04:05+0100: 1: info : no fraction',
      '2024-01-02 03:04:05.5+0100: 1: info : a tenth',
      '2024-01-02 03:04:05.123456-0230: 1: info : microseconds, another zone',
      '2024-01-02 03:04:05.9+0100: plain, the same second as above but another zone',
      '2024-01-02 03:04:60.000+0000: 1: info : no such second',
      '2024-01-02 03:04:05.000+0000: 1: info : a CRLF line\r',
    ];
    for (const [format, lines] of [
      ['libvirtd', [...linesOf(fixture('libvirtd.log')).map((l) => l.line), ...extra]],
      ['qemu', [...linesOf(fixture('qemu-web01.log')).map((l) => l.line), ...extra]],
    ] as const) {
      for (const line of lines) {
        const p = parseLine(format, line);
        assert.equal(headTime(format, line), p.kind === 'entry' ? p.tsMs : null, line);
      }
    }
    assert.equal(headTime('libvirtd', extra[0] as string), null);
  });

  it('pinoLevelAt and pinoTimeAhead agree with the parse, or say they cannot tell', () => {
    // as in a block: the line between others
    const levelAt = (line: string) => {
      const text = `{"level":20,"x":0}\n${line}\n{"level":50}`;
      const a = text.indexOf('\n') + 1;
      return pinoLevelAt(text, a, a + line.length);
    };
    for (const { line } of linesOf(fixture('quantix-host.pino.log'))) {
      const p = parseLine('pino', line);
      assert.ok(p.kind === 'entry');
      const ahead = levelAt(line);
      assert.ok(ahead > 0);
      // never below the parsed level (the access-log rule lowers a line after the fact)
      assert.ok(LEVELS.indexOf(pinoLevel(ahead)) >= LEVELS.indexOf(p.level), line);
      assert.equal(pinoTimeAhead(line), p.tsMs);
    }
    const twice = '{"level":30,"time":1,"x":1,"level":50,"msg":"m"}';
    assert.equal(levelAt(twice), 30, 'the level pino wrote, not a field logged after it');
    const parsed = parseLine('pino', twice);
    assert.equal(parsed.kind === 'entry' && parsed.level, 'info', 'the parse says the same');
    assert.equal(levelAt('{"time":1,"level":30}'), -1, 'not first');
    assert.equal(levelAt('{"level":"info","time":1}'), -1);
    assert.equal(levelAt('{"level":'), -1);
    assert.equal(pinoTimeAhead('{"level":30,"time":1700000000000,"msg":"m"}'), 1700000000000);
    assert.ok(Number.isNaN(pinoTimeAhead('{"level":30,"a":{"time":1},"time":2}')), 'twice');
  });
});

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical'];

describe('finding the pino lines at a level or above', () => {
  it('finds every line that can be at the level; the others are below it for sure', () => {
    const lines = [
      ...[0, 5, 9, 10, 19, 20, 29, 30, 39, 40, 45, 49, 50, 59, 60, 61, 99, 100, 250].map(
        (n) => `{"level":${n},"time":1,"msg":"m${n}"}`,
      ),
      '{"level":05,"time":1}',
      '{"level":-5,"time":1}',
      '{"level":"info","time":1}',
      '{"time":1,"level":50}',
      'not json',
      '',
    ];
    const text = `${lines.join('\n')}\n`;
    const starts = lines.map((_, i) => lines.slice(0, i).join('\n').length + (i > 0 ? 1 : 0));
    for (const min of [10, 20, 30, 40, 50, 60]) {
      const re = pinoLinesFrom(min) as RegExp;
      const found = new Set([0]);
      for (let m = re.exec(text); m !== null; m = re.exec(text)) found.add(m.index + m[0].length);
      lines.forEach((line, i) => {
        const n = pinoLevelAt(line, 0, line.length);
        if (!found.has(starts[i] as number)) assert.ok(n >= 0 && n < min, `min ${min}: ${line}`);
        // and it finds little else: of pino's own lines, none below the level but the block's first
        else if (i > 0 && i < 19) assert.ok(n >= min, `min ${min} found ${line}`);
      });
    }
    assert.equal(pinoLinesFrom(0), undefined);
  });
});

describe('the access log', () => {
  it("ranks each request's line as debug (a failed request stays an error)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quantix-access-'));
    try {
      const file = join(dir, 'host.log');
      const log = pino(
        { level: 'debug', base: { service: 'quantix-host' }, timestamp: pino.stdTimeFunctions.isoTime },
        pino.destination({ dest: file, sync: true }),
      );
      const app = express();
      app.use(accessLog(log));
      app.get('/ok', (_req, res) => {
        log.info({ vm: 'web01' }, 'vm started');
        res.json({});
      });
      app.get('/boom', (_req, res) => {
        res.status(500).json({});
      });
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      try {
        for (const path of ['/ok', '/missing', '/boom'])
          await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
      } finally {
        server.close();
      }
      const entries = forward('pino', readFileSync(file, 'utf8'));
      assert.deepEqual(
        entries.map((e) => [e.level, e.message.replace(/\{.*/, '').trim()]),
        [
          ['info', 'vm started'],
          ['debug', 'request'],
          ['debug', 'request'],
          ['error', 'request failed'],
        ],
      );
      assert.match(entries[1]?.message ?? '', /"path":"\/ok".*"status":200/);
      const plain = parseLine('pino', '{"level":30,"time":1,"msg":"request"}');
      assert.equal(plain.kind === 'entry' && plain.level, 'info', 'only the access log’s own lines');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
