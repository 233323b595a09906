import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import {
  type LogEntry,
  LogEntry as LogEntrySchema,
  type LogPage,
  LogQuery,
  LogDownloadQuery,
} from '@quantix/shared';
import { createFileSource } from './file-source.ts';
import type { JournaldSource } from './journald-source.ts';
import { applianceLogFiles, createHostLogs, journaldAvailable } from './logs-setup.ts';
import { createLogsService, formatTextLine } from './logs.service.ts';
import { listQemuLogs } from './qemu-logs.ts';

const dir = mkdtempSync(join(tmpdir(), 'quantix-logsvc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

const libvirtDir = join(dir, 'libvirt');
const qemuDir = join(libvirtDir, 'qemu');
mkdirSync(qemuDir, { recursive: true });
copyFileSync(fixture('libvirtd.log'), join(libvirtDir, 'libvirtd.log'));
copyFileSync(fixture('qemu-web01.log'), join(qemuDir, 'web01.log'));
writeFileSync(join(qemuDir, '.placeholder'), '');
writeFileSync(join(qemuDir, 'web01.log.1'), 'rotated, not read\n');
writeFileSync(join(qemuDir, 'bad name.log'), 'not a VM name\n');
const appLog = join(dir, 'quantix-host.log');
copyFileSync(fixture('quantix-host.pino.log'), appLog);

describe('choosing the backend', () => {
  it('files where journald does not run (this machine, CI)', async () => {
    assert.equal(await journaldAvailable({ runDir: join(dir, 'no-journal') }), false);
    const logs = await createHostLogs({
      appLogFile: appLog,
      libvirtLogDir: libvirtDir,
      journalRunDir: join(dir, 'nope'),
    });
    assert.equal(logs.backend, 'files');
    // with the real defaults: files unless /run/systemd/journal exists
    const here = await createHostLogs({ appLogFile: appLog, libvirtLogDir: libvirtDir });
    assert.equal(here.backend, existsSync('/run/systemd/journal') ? 'journald' : 'files');
  });

  it('journald where its run directory exists and journalctl runs', async () => {
    const runDir = join(dir, 'run-journal');
    mkdirSync(runDir);
    const fakeJournalctl = join(dir, 'journalctl');
    writeFileSync(fakeJournalctl, '#!/bin/sh\necho "systemd 252"\n');
    chmodSync(fakeJournalctl, 0o755);
    assert.equal(await journaldAvailable({ runDir, journalctl: fakeJournalctl }), true);
    assert.equal(await journaldAvailable({ runDir, journalctl: join(dir, 'missing') }), false);
  });

  it('the appliance file list: own log, libvirtd, and each VM-named QEMU log', async () => {
    const specs = await applianceLogFiles({ appLogFile: appLog, libvirtLogDir: libvirtDir })();
    assert.deepEqual(
      specs.map((s) => [s.id, s.format]),
      [
        ['quantix-host', 'pino'],
        ['libvirtd', 'libvirtd'],
        ['qemu:web01', 'qemu'],
      ],
    );
    assert.deepEqual(await listQemuLogs(join(dir, 'missing')), []);
  });
});

describe('logs service, files backend', () => {
  const files = createFileSource({
    files: applianceLogFiles({ appLogFile: appLog, libvirtLogDir: libvirtDir }),
  });
  const logs = createLogsService({ backend: 'files', files, qemuLogDir: qemuDir });

  it('merges the appliance, libvirtd and QEMU logs', async () => {
    const page = await logs.query(LogQuery.parse({ limit: 1000 }));
    const sources = new Set(page.entries.map((e) => e.source));
    assert.deepEqual([...sources].sort(), ['libvirtd', 'qemu:web01', 'quantix-host']);
    const times = page.entries.map((e) => Date.parse(e.timestamp));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.deepEqual(
      (await logs.sources()).sources.map((s) => s.id),
      ['quantix-host', 'libvirtd', 'qemu:web01'],
    );
  });

  it("a VM's QEMU log, newest first; names are checked before any path is built", async () => {
    const page = await logs.vmLog('web01', LogQuery.parse({ limit: 3, source: 'libvirtd' }));
    assert.deepEqual(
      page.entries.map((e) => [e.source, e.message]),
      [
        ['qemu:web01', 'shutting down, reason=failed'],
        ['qemu:web01', page.entries[1]?.message],
        ['qemu:web01', page.entries[2]?.message],
      ],
    );
    assert.match(page.entries[1]?.message ?? '', /Could not open/);
    assert.match(
      page.entries[2]?.message ?? '',
      /^LC_ALL=C \\\n.*\n-msg timestamp=on$/s,
      'the command line, whole',
    );
    assert.ok(page.nextBefore);
    for (const bad of ['../etc/passwd', 'a/b', '.hidden', 'a..b', '', 'x'.repeat(65), 'web01\0']) {
      await assert.rejects(logs.vmLog(bad, LogQuery.parse({})), { code: 'VALIDATION_FAILED' }, bad);
    }
    assert.deepEqual(await logs.vmLog('never-started', LogQuery.parse({})), {
      entries: [],
      nextBefore: null,
      backend: 'files',
    });
    await assert.rejects(logs.query(LogQuery.parse({ source: 'qemu:../x' })), { code: 'VALIDATION_FAILED' });
    assert.throws(() => logs.tail({ source: 'qemu:../x' }, () => {}), { code: 'VALIDATION_FAILED' });
  });

  it('download: text lines, newest first', async () => {
    const body = await text(
      await logs.download(LogDownloadQuery.parse({ source: 'libvirtd', level: 'error' })),
    );
    const lines = body.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.equal(
      lines[0],
      '2026-11-26T21:09:07.250Z error    libvirtd: virNetSocketReadWire:1793 : End of file while reading data: Input/output error',
    );
    assert.equal(
      formatTextLine({ cursor: 'c', timestamp: 't', level: 'info', source: 's', pid: 7, message: 'a\nb' }),
      't info     s[7]: a\n    b\n',
    );
  });

  it('download: NDJSON over several pages, capped', async () => {
    const big = join(dir, 'big.log');
    const rows: string[] = [];
    for (let i = 0; i < 2500; i++)
      rows.push(`{"level":30,"time":${1_700_000_000_000 + i},"msg":"row ${i}"}\n`);
    writeFileSync(big, rows.join(''));
    const bigFiles = createFileSource({
      files: () => [{ id: 'big', label: 'big', path: big, format: 'pino' }],
    });
    const capped = createLogsService({
      backend: 'files',
      files: bigFiles,
      qemuLogDir: qemuDir,
      downloadMax: 2200,
    });
    const nd = (await text(await capped.download(LogDownloadQuery.parse({ format: 'ndjson' }))))
      .trimEnd()
      .split('\n');
    assert.equal(nd.length, 2200);
    const parsed = nd.map((l) => LogEntrySchema.parse(JSON.parse(l)));
    assert.equal(parsed[0]?.message, 'row 2499');
    assert.equal(parsed.at(-1)?.message, 'row 300');
    const txt = (await text(await capped.download(LogDownloadQuery.parse({})))).trimEnd().split('\n');
    assert.equal(txt.length, 2201);
    assert.equal(txt.at(-1), '# stopped after 2200 entries; narrow the filters for more');
    const all = (
      await text(
        await createLogsService({ backend: 'files', files: bigFiles, qemuLogDir: qemuDir }).download(
          LogDownloadQuery.parse({}),
        ),
      )
    )
      .trimEnd()
      .split('\n');
    assert.equal(all.length, 2500);
  });
});

describe('logs service, journald backend', () => {
  // a stand-in journal: this checks the routing rules, the journald source has its own tests
  const seen: string[] = [];
  const entry: LogEntry = {
    cursor: 's=1',
    timestamp: '2024-01-01T00:00:00.000Z',
    level: 'info',
    source: 'sshd.service',
    message: 'hi',
  };
  const journald: JournaldSource = {
    async query(q) {
      seen.push(`query ${q.source ?? '*'}`);
      return { entries: [entry], nextBefore: null, backend: 'journald' } satisfies LogPage;
    },
    tail(f, onEntry) {
      seen.push(`tail ${f.source ?? '*'}`);
      onEntry(entry);
      return () => seen.push('untail');
    },
    async sources() {
      return [{ id: 'sshd.service', label: 'sshd.service', kind: 'unit' }];
    },
    async grepSupported() {
      return true;
    },
  };
  const files = createFileSource({ files: () => [] });
  const logs = createLogsService({ backend: 'journald', journald, files, qemuLogDir: qemuDir });

  it('asks the journal, except for QEMU logs, which are files everywhere', async () => {
    assert.equal((await logs.query(LogQuery.parse({ source: 'sshd.service' }))).backend, 'journald');
    const vm = await logs.query(LogQuery.parse({ source: 'qemu:web01', limit: 1 }));
    assert.equal(vm.backend, 'files');
    assert.equal(vm.entries[0]?.source, 'qemu:web01');
    assert.equal(logs.backendFor({ source: 'qemu:web01' }), 'files');
    assert.equal(logs.backendFor({}), 'journald');
    const stop = logs.tail({}, () => {});
    stop();
    assert.deepEqual(seen, ['query sshd.service', 'tail *', 'untail']);
    assert.deepEqual(await logs.sources(), {
      backend: 'journald',
      sources: [
        { id: 'sshd.service', label: 'sshd.service', kind: 'unit' },
        { id: 'qemu:web01', label: 'VM web01 (QEMU)', kind: 'file' },
      ],
    });
  });

  it('refuses to start without a journal', () => {
    assert.throws(() => createLogsService({ backend: 'journald', files, qemuLogDir: qemuDir }));
  });
});
