import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LogEntry } from '@quantix/shared';
import { followFile } from './file-follow.ts';
import type { RawFileEntry } from './file-parse.ts';
import { createFileSource } from './file-source.ts';
import { until as waitUntil } from './wait.test-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-follow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pino = (ms: number, msg: string, level = 30) =>
  `${JSON.stringify({ level, time: new Date(ms).toISOString(), msg })}\n`;

/** Resolves once `pred` holds for what was collected. */
const until = <T>(items: T[], pred: (items: T[]) => boolean): Promise<void> =>
  waitUntil(() => pred(items), `more entries than ${JSON.stringify(items)}`);

describe('following a file', () => {
  it('sees appended lines only, a line once its newline is written, and survives truncation', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, pino(1000, 'old'));
    const got: RawFileEntry[] = [];
    const stop = followFile({ path, format: 'pino' }, (e) => got.push(e), { pollMs: 50 });
    try {
      appendFileSync(path, pino(2000, 'new 1'));
      appendFileSync(path, pino(3000, 'new 2').slice(0, 10));
      await until(got, (g) => g.length === 1);
      appendFileSync(path, pino(3000, 'new 2').slice(10));
      await until(got, (g) => g.length === 2);
      assert.deepEqual(
        got.map((e) => [e.message, e.tsMs]),
        [
          ['new 1', 2000],
          ['new 2', 3000],
        ],
      );
      assert.equal(got[0]?.offset, Buffer.byteLength(pino(1000, 'old')));

      truncateSync(path, 0);
      await new Promise((r) => setTimeout(r, 120)); // a poll sees the shrink
      appendFileSync(path, pino(4000, 'after truncate'));
      await until(got, (g) => g.length === 3);
      assert.equal(got[2]?.message, 'after truncate');
      assert.equal(got[2]?.offset, 0);
    } finally {
      stop();
    }
  });

  it('follows rotation (rename and a new file) and waits for a missing file', async () => {
    const path = join(dir, 'rot.log');
    const got: string[] = [];
    const stop = followFile({ path, format: 'pino' }, (e) => got.push(e.message), { pollMs: 50 });
    try {
      writeFileSync(path, pino(1, 'created later'));
      await until(got, (g) => g.length === 1);
      renameSync(path, `${path}.1`);
      writeFileSync(path, pino(2, 'rotated 1') + pino(3, 'rotated 2'));
      await until(got, (g) => g.length === 3);
      unlinkSync(path);
      await new Promise((r) => setTimeout(r, 120));
      writeFileSync(path, pino(4, 'recreated'));
      await until(got, (g) => g.length === 4);
      assert.deepEqual(got, ['created later', 'rotated 1', 'rotated 2', 'recreated']);
    } finally {
      stop();
    }
  });

  it('dates continuation lines by the line before them', async () => {
    const path = join(dir, 'vm.log');
    writeFileSync(path, '');
    const got: RawFileEntry[] = [];
    const stop = followFile({ path, format: 'qemu' }, (e) => got.push(e), { pollMs: 50, now: () => 42 });
    try {
      appendFileSync(path, 'orphan\n2024-01-02 03:04:05.678+0000: starting up\nLC_ALL=C \\\n');
      await until(got, (g) => g.length === 3);
      assert.deepEqual(
        got.map((e) => [e.message, e.tsMs]),
        [
          ['orphan', 42],
          ['starting up', Date.parse('2024-01-02T03:04:05.678Z')],
          ['LC_ALL=C \\', Date.parse('2024-01-02T03:04:05.678Z')],
        ],
      );
    } finally {
      stop();
    }
  });
});

describe('following multi-line entries', () => {
  it('a QEMU command line and a libvirtd XML dump, each written at once, come as one entry', async () => {
    const vm = join(dir, 'web01.log');
    const libvirtd = join(dir, 'libvirtd-follow.log');
    writeFileSync(vm, '');
    writeFileSync(libvirtd, '');
    const qemu: RawFileEntry[] = [];
    const lv: RawFileEntry[] = [];
    const stops = [
      followFile({ path: vm, format: 'qemu' }, (e) => qemu.push(e), { pollMs: 50 }),
      followFile({ path: libvirtd, format: 'libvirtd' }, (e) => lv.push(e), { pollMs: 50 }),
    ];
    try {
      const text = readFileSync(new URL('./fixtures/qemu-web01.log', import.meta.url), 'utf8');
      appendFileSync(vm, text);
      await until(qemu, (q) => q.length === 10);
      const cmd = qemu.filter((e) => e.message.startsWith('LC_ALL=C \\\n'));
      assert.equal(cmd.length, 2);
      assert.equal(cmd[0]?.message.split('\n').length, 27);
      assert.equal(cmd[0]?.offset, text.indexOf('LC_ALL=C'));
      appendFileSync(
        libvirtd,
        "2026-11-26 21:09:06.013+0000: 8431: debug : virDomainDefFormat:28735 : formatted XML:\n<domain type='kvm'>\n</domain>\n",
      );
      await until(lv, (l) => l.length === 1);
      assert.equal(
        lv[0]?.message,
        "virDomainDefFormat:28735 : formatted XML:\n<domain type='kvm'>\n</domain>",
      );
      assert.equal(lv[0]?.level, 'debug');
    } finally {
      for (const stop of stops) stop();
    }
  });
});

describe('file source tail', () => {
  it('filters per watcher; a watcher that left gets nothing', async () => {
    const path = join(dir, 'shared.log');
    writeFileSync(path, '');
    const src = createFileSource({
      files: () => [
        { id: 'quantix-host', label: 'host', path, format: 'pino' },
        { id: 'other', label: 'other', path: join(dir, 'other.log'), format: 'pino' },
      ],
      pollMs: 50,
    });
    const errors: LogEntry[] = [];
    const all: LogEntry[] = [];
    const stopErrors = src.tail({ level: 'error', source: 'quantix-host' }, (e) => errors.push(e));
    const stopAll = src.tail({ text: 'NEEDLE' }, (e) => all.push(e));
    // the file list is async: what is written once both listen is seen
    await Promise.all([stopErrors.ready, stopAll.ready]);
    appendFileSync(path, pino(1, 'a needle', 30) + pino(2, 'boom', 50) + pino(3, 'needle boom', 60));
    await until(all, (a) => a.length === 2);
    await until(errors, (e) => e.length === 2);
    assert.deepEqual(
      errors.map((e) => [e.message, e.level, e.source]),
      [
        ['boom', 'error', 'quantix-host'],
        ['needle boom', 'critical', 'quantix-host'],
      ],
    );
    assert.deepEqual(
      all.map((e) => e.message),
      ['a needle', 'needle boom'],
    );
    stopErrors();
    appendFileSync(path, pino(4, 'needle again', 50));
    await until(all, (a) => a.length === 3);
    assert.equal(errors.length, 2, 'an unsubscribed watcher gets nothing');
    stopAll();
    stopAll();
  });
});
