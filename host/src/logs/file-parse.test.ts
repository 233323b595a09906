import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createBackwardAssembler,
  createForwardAssembler,
  type FileFormat,
  MAX_PENDING_LINES,
  parseLine,
  pinoLevel,
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
  return linesOf(text).flatMap(({ line, offset }) => asm(line, offset) ?? []);
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
      ['debug', 'info', 'info', 'warning', 'error', 'info', 'critical'],
    );
    assert.equal(iso(entries[0] as RawFileEntry), '2026-11-26T21:10:51.605Z');
    assert.equal(entries[0]?.message, 'socket.io attached');
    assert.equal(
      entries[2]?.message,
      'request {"method":"GET","path":"/api/v1/host","status":200,"ms":3}',
      'bound fields follow the message',
    );
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

  it('continues a multi-line message with its time and level', () => {
    const xml = entries.filter((e) => e.message.includes('db01</name>') || e.message.startsWith('<'));
    assert.equal(xml.length, 3);
    for (const e of xml) {
      assert.equal(e.level, 'debug');
      assert.equal(iso(e), '2026-11-26T21:09:06.013Z');
    }
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

  it('gives the command-line lines the time of the "starting up" line above them', () => {
    const cmd = entries.find((e) => e.message === '-msg timestamp=on') as RawFileEntry;
    assert.equal(iso(cmd), '2026-11-26T21:09:02.201Z');
    const pty = entries.find((e) => e.message.startsWith('char device redirected')) as RawFileEntry;
    assert.equal(iso(pty), '2026-11-26T21:09:02.201Z');
    assert.equal(pty.level, 'info');
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
});
