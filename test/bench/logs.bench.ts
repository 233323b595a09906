// Scanning a big log file for a filter, against reading the same file raw in the same run.
// The appliance's own log grows by an access line per API request: a text search or a level
// filter over tens of MB must run near the speed of reading the bytes, not at the speed of
// parsing every line (which is measured too, as the second reference).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogQuery } from '@quantix/shared';
import { createFileSource, type FileSpec } from '../../host/src/logs/file-source.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';
import { percentile } from './process-stats.ts';

const LINES = 200_000;
const ROUNDS = 7;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** ~33 MB like the appliance's log: mostly access lines, some events, a rare error. */
function pinoLog(): string {
  const rows: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const time = new Date(T0 + i * 10).toISOString();
    if (i % 1000 === 0) {
      rows.push(
        `{"level":50,"time":"${time}","service":"quantix-host","err":{"type":"Error","message":"EIO ${i}"},"msg":"disk read failed"}`,
      );
    } else if (i % 10 === 0) {
      rows.push(
        `{"level":30,"time":"${time}","service":"quantix-host","vm":"web${i % 97}","msg":"vm started"}`,
      );
    } else {
      rows.push(
        `{"level":30,"time":"${time}","service":"quantix-host","method":"GET","path":"/api/v1/vms/web${i % 97}","status":200,"ms":${(i % 37) / 10},"client":"127.0.0.1","msg":"request"}`,
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

/** ~17 MB of libvirtd's log, with a multi-line XML dump every 500 lines. */
function libvirtdLog(): string {
  const rows: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const d = new Date(T0 + i * 10).toISOString().replace('T', ' ').replace('Z', '+0000');
    if (i % 500 === 0) {
      rows.push(`${d}: 8431: debug : virDomainDefFormat:28735 : formatted XML:`, "<domain type='kvm'>");
      rows.push(`  <name>vm${i}</name>`, '</domain>');
    } else rows.push(`${d}: 8433: info : qemuProcessStart:7813 : Starting domain web${i % 97} (id=${i})`);
  }
  return `${rows.join('\n')}\n`;
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm up: the page cache and the JIT
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) ms.push(await timeMs(fn));
  return percentile(ms, 50);
}

/** The reference: every byte of the file read in 1 MiB reads, nothing done with it. */
async function readRaw(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) return total;
      total += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** The second reference: what a scan that parses every line pays (the file read, split and parsed). */
async function parseEveryLine(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const text = (await fh.readFile()).toString('utf8');
    let n = 0;
    for (const line of text.split('\n')) if (line !== '' && JSON.parse(line)) n++;
    return n;
  } finally {
    await fh.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'qx-logbench-'));
  try {
    const appLog = join(dir, 'quantix-host.log');
    const libvirtLog = join(dir, 'libvirtd.log');
    writeFileSync(appLog, pinoLog());
    writeFileSync(libvirtLog, libvirtdLog());
    const mb = (path: string) => `${Math.round(statSync(path).size / 1e6)} MB`;
    const app: FileSpec = { id: 'quantix-host', label: 'host', path: appLog, format: 'pino' };
    const libvirt: FileSpec = { id: 'libvirtd', label: 'libvirtd', path: libvirtLog, format: 'libvirtd' };
    const source = (spec: FileSpec) => createFileSource({ files: () => [spec] });
    const scan = (spec: FileSpec, q: Partial<LogQuery>, want: number) => async () => {
      const page = await source(spec).query(LogQuery.parse(q));
      // the whole file is read: every query here finds its few matches and no more
      if (page.entries.length !== want || page.nextBefore !== null || page.warnings)
        throw new Error(`${JSON.stringify(q)}: ${page.entries.length} entries, ${page.warnings ?? ''}`);
    };

    const raw = await median(() => readRaw(appLog));
    const rawLibvirt = await median(() => readRaw(libvirtLog));
    const parsed = await median(() => parseEveryLine(appLog));
    const pino = `${mb(appLog)} pino log`;
    // targets: what the scan reaches on these machines, with room for their noise
    const cases: Array<{ name: string; baseline: number; fn: () => Promise<void>; max: number }> = [
      { name: `scan ${pino}: rare text`, baseline: raw, fn: scan(app, { text: 'EIO 199000' }, 1), max: 8 },
      {
        name: `scan ${pino}: level error`,
        baseline: raw,
        fn: scan(app, { level: 'error', limit: 1000 }, 200),
        max: 12,
      },
      {
        name: `scan ${pino}: text + level`,
        baseline: raw,
        fn: scan(app, { level: 'error', text: 'eio 1' }, 111),
        max: 12,
      },
      {
        // every line is looked at: a libvirtd entry may span lines
        name: `scan ${mb(libvirtLog)} libvirtd log: rare text`,
        baseline: rawLibvirt,
        fn: scan(libvirt, { text: '<name>vm199500' }, 1),
        max: 50,
      },
    ];
    const results: BenchResult[] = [];
    for (const { name, baseline, fn, max } of cases) {
      const ms = await median(fn);
      results.push({
        name,
        value: ms,
        unit: 'ms',
        baseline,
        ratio: ratioOf(ms, baseline),
        target: `≤ ${max}× reading the file raw`,
        pass: ms <= max * baseline,
      });
    }
    const rare = results[0] as BenchResult;
    results.push({
      name: `scan ${pino}: rare text, against parsing every line`,
      value: rare.value,
      unit: 'ms',
      baseline: parsed,
      ratio: ratioOf(rare.value, parsed),
      target: '≤ 0.3× parsing every line',
      pass: rare.value <= 0.3 * parsed,
    });
    const page = await median(() => source(app).query(LogQuery.parse({ level: 'info' })));
    results.push({
      name: `first page of 200 (level info) of the ${pino}`,
      value: page,
      unit: 'ms',
      baseline: raw,
      ratio: ratioOf(page, raw),
      target: '≤ 3× reading the whole file raw',
      pass: page <= 3 * raw,
    });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
